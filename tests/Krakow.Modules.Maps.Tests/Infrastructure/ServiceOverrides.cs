using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

/// <summary>
/// Applies test replacements to the host's final service collection, after every module has registered its own
/// (the host registers TimeProvider.System, the Maps module its catalogue), by building the provider itself.
/// </summary>
internal sealed class ServiceOverrides(Action<IServiceCollection> replace) : IServiceProviderFactory<IServiceCollection>
{
    private readonly DefaultServiceProviderFactory inner = new(new ServiceProviderOptions { ValidateScopes = true });

    public IServiceCollection CreateBuilder(IServiceCollection services)
    {
        replace(services);
        return inner.CreateBuilder(services);
    }

    public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => inner.CreateServiceProvider(containerBuilder);
}
