using Google.Protobuf.Reflection;

namespace Grpc.Reflection.Internal;

/// <summary>
/// The proto files behind a set of services and everything they import, indexed by file name, by fully
/// qualified symbol and by extended type. Built from one snapshot of the server's services.
/// </summary>
/// <remarks>
/// Symbols are the names protobuf scopes declare: services, methods ("pkg.Service.Method"), messages and nested
/// messages, enums, fields, oneofs, extensions, and enum values, which protobuf scopes beside their enum
/// ("pkg.VALUE" or "pkg.Message.VALUE", not "pkg.Enum.VALUE"). When two assemblies carry a file of the same name,
/// or two files declare the same symbol, the first one met wins.
/// </remarks>
internal sealed class DescriptorIndex
{
    private readonly Dictionary<string, FileDescriptor> filesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> filesBySymbol = new(StringComparer.Ordinal);
    private readonly HashSet<string> messageTypes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Extendee, int Number), FileDescriptor> extensions = [];
    private readonly Dictionary<string, SortedSet<int>> extensionNumbersByExtendee = new(StringComparer.Ordinal);

    private DescriptorIndex()
    {
    }

    public static DescriptorIndex Build(IEnumerable<ServiceDescriptor> services)
    {
        var index = new DescriptorIndex();
        foreach (var service in services)
        {
            index.AddFileAndImports(service.File);
        }

        return index;
    }

    public FileDescriptor? FindFileByName(string name) => filesByName.GetValueOrDefault(name);

    public FileDescriptor? FindFileContainingSymbol(string symbol) => filesBySymbol.GetValueOrDefault(symbol);

    public FileDescriptor? FindFileContainingExtension(string extendee, int number) =>
        extensions.GetValueOrDefault((extendee, number));

    /// <summary>The extension numbers known for a message type; null when the type itself is unknown.</summary>
    public IReadOnlyCollection<int>? FindExtensionNumbers(string messageType)
    {
        if (!messageTypes.Contains(messageType))
        {
            return null;
        }

        return extensionNumbersByExtendee.TryGetValue(messageType, out var numbers) ? numbers : [];
    }

    /// <summary>
    /// <paramref name="file"/> first, then every file it imports directly or not, each once (by name), in
    /// depth-first order: what a client needs to build the file's descriptors.
    /// </summary>
    public static IReadOnlyList<FileDescriptor> WithTransitiveImports(FileDescriptor file)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<FileDescriptor>();
        var pending = new Stack<FileDescriptor>();
        pending.Push(file);
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            if (!seen.Add(next.Name))
            {
                continue;
            }

            result.Add(next);
            for (var i = next.Dependencies.Count - 1; i >= 0; i--)
            {
                pending.Push(next.Dependencies[i]);
            }
        }

        return result;
    }

    private void AddFileAndImports(FileDescriptor root)
    {
        foreach (var file in WithTransitiveImports(root))
        {
            if (filesByName.TryAdd(file.Name, file))
            {
                AddSymbols(file);
            }
        }
    }

    private void AddSymbols(FileDescriptor file)
    {
        foreach (var service in file.Services)
        {
            AddSymbol(service.FullName, file);
            foreach (var method in service.Methods)
            {
                AddSymbol(method.FullName, file);
            }
        }

        foreach (var message in file.MessageTypes)
        {
            AddMessage(message, file);
        }

        foreach (var enumType in file.EnumTypes)
        {
            AddEnum(enumType, file.Package, file);
        }

        foreach (var extension in file.Extensions.UnorderedExtensions)
        {
            AddExtension(extension, file);
        }
    }

    private void AddMessage(MessageDescriptor message, FileDescriptor file)
    {
        AddSymbol(message.FullName, file);
        messageTypes.Add(message.FullName);
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            AddSymbol(field.FullName, file);
        }

        foreach (var oneof in message.Oneofs)
        {
            AddSymbol(oneof.FullName, file);
        }

        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested, file);
        }

        foreach (var enumType in message.EnumTypes)
        {
            AddEnum(enumType, message.FullName, file);
        }

        // Extensions declared inside a message (a scope, not the extended type) are listed by the message only.
        foreach (var extension in message.Extensions.UnorderedExtensions)
        {
            AddExtension(extension, file);
        }
    }

    private void AddEnum(EnumDescriptor enumType, string scope, FileDescriptor file)
    {
        AddSymbol(enumType.FullName, file);
        foreach (var value in enumType.Values)
        {
            AddSymbol(scope.Length == 0 ? value.Name : scope + "." + value.Name, file);
        }
    }

    private void AddExtension(FieldDescriptor extension, FileDescriptor file)
    {
        AddSymbol(extension.FullName, file);
        var extendee = extension.ExtendeeType?.FullName;
        if (extendee is null)
        {
            return;
        }

        extensions.TryAdd((extendee, extension.FieldNumber), file);
        if (!extensionNumbersByExtendee.TryGetValue(extendee, out var numbers))
        {
            extensionNumbersByExtendee[extendee] = numbers = [];
        }

        numbers.Add(extension.FieldNumber);
    }

    private void AddSymbol(string symbol, FileDescriptor file) => filesBySymbol.TryAdd(symbol, file);
}
