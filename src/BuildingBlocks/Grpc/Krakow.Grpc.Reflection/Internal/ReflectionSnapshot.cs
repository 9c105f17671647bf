using Google.Protobuf.Reflection;

namespace Grpc.Reflection.Internal;

/// <summary>
/// What reflection sees of the server at one moment: the names of every exposed service (sorted) and the
/// protobuf descriptors of those that have one (services written without protoc have none: they are listed
/// but their files cannot be fetched).
/// </summary>
internal sealed record ReflectionSnapshot(IReadOnlyList<string> ServiceNames, IReadOnlyList<ServiceDescriptor> Descriptors)
{
    public static ReflectionSnapshot FromDescriptors(IEnumerable<ServiceDescriptor> descriptors)
    {
        var list = descriptors.DistinctBy(d => d.FullName, StringComparer.Ordinal).ToList();
        return new(list.Select(d => d.FullName).Order(StringComparer.Ordinal).ToList(), list);
    }
}
