namespace Krakow.Plugins.Sdk;

/// <summary>
/// A gRPC service a plugin exposes: the implementation type (deriving from a generated <c>Foo.FooBase</c> in the
/// plugin's own assembly) and a factory for its instances. The host maps it while the plugin is loaded.
/// </summary>
public sealed record PluginGrpcService(Type ServiceType, Func<object> Create);
