using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Krakow.Architecture.Tests.Analysis;

/// <summary>
/// The one place that knows where a type can name another type in metadata and IL. Every rule asks it.
/// A type's dependencies are those of its own signature and members; nested types (closure classes of lambdas
/// and local functions, async and iterator state machines) are types of their own, reached by enumerating
/// <see cref="ModuleDefinition.GetTypes"/>, and reported under their own names.
/// </summary>
internal static class DependencyWalker
{
    /// <summary>Every type <paramref name="type"/> depends on, each with the path through which it does.</summary>
    public static IEnumerable<Dependency> Of(TypeDefinition type)
    {
        var walk = new Walk(type.FullName);

        walk.Type("base type", type.BaseType);
        foreach (var implementation in type.Interfaces)
        {
            walk.Type("interface", implementation.InterfaceType);
            walk.Attributes("interface " + implementation.InterfaceType.Name, implementation);
        }

        walk.Attributes("type", type);
        walk.GenericParameters("type", type);

        foreach (var field in type.Fields)
        {
            walk.Type($"field {field.Name}", field.FieldType);
            walk.Attributes($"field {field.Name}", field);
        }

        foreach (var property in type.Properties)
        {
            walk.Type($"property {property.Name}", property.PropertyType);
            walk.Attributes($"property {property.Name}", property);
            foreach (var parameter in property.Parameters)
            {
                walk.Type($"property {property.Name} index parameter {parameter.Name}", parameter.ParameterType);
            }
        }

        foreach (var @event in type.Events)
        {
            walk.Type($"event {@event.Name}", @event.EventType);
            walk.Attributes($"event {@event.Name}", @event);
        }

        foreach (var method in type.Methods)
        {
            walk.Method(method);
        }

        return walk.Found;
    }

    /// <summary>What an assembly names outside its types: assembly and module attributes, forwarded types.</summary>
    public static IEnumerable<Dependency> OfAssembly(AssemblyDefinition assembly)
    {
        var walk = new Walk($"assembly {assembly.Name.Name}");
        walk.Attributes("assembly", assembly);
        foreach (var module in assembly.Modules)
        {
            walk.Attributes("module", module);
            foreach (var exported in module.ExportedTypes)
            {
                walk.Named("forwarded type", new TypeReference(exported.Namespace, exported.Name, module, exported.Scope));
            }
        }

        return walk.Found;
    }

    private sealed class Walk(string source)
    {
        private readonly HashSet<(string Via, string Target, string Assembly)> _seen = [];

        public List<Dependency> Found { get; } = [];

        public void Method(MethodDefinition method)
        {
            var where = $"method {method.Name}";
            Type($"{where} return", method.ReturnType);
            Attributes($"{where} return", method.MethodReturnType);
            foreach (var parameter in method.Parameters)
            {
                Type($"{where} parameter {parameter.Name}", parameter.ParameterType);
                Attributes($"{where} parameter {parameter.Name}", parameter);
            }

            Attributes(where, method);
            GenericParameters(where, method);
            foreach (var overridden in method.Overrides)
            {
                MethodSignature($"{where} overrides {overridden.Name}", overridden);
            }

            if (!method.HasBody)
            {
                return;
            }

            var body = method.Body;
            foreach (var variable in body.Variables)
            {
                Type($"{where} local #{variable.Index}", variable.VariableType);
            }

            foreach (var handler in body.ExceptionHandlers)
            {
                Type($"{where} catch clause", handler.CatchType);
            }

            foreach (var instruction in body.Instructions)
            {
                var via = $"{where} body ({instruction.OpCode.Name})";
                switch (instruction.Operand)
                {
                    case TypeReference operand:
                        Type(via, operand);
                        break;
                    case MethodReference operand:
                        MethodSignature($"{via} {operand.DeclaringType.Name}::{operand.Name}", operand);
                        break;
                    case FieldReference operand:
                        Type($"{via} {operand.DeclaringType.Name}::{operand.Name}", operand.DeclaringType);
                        Type($"{via} {operand.DeclaringType.Name}::{operand.Name}", operand.FieldType);
                        break;
                    case CallSite operand:
                        Type($"{via} call site", operand.ReturnType);
                        foreach (var parameter in operand.Parameters)
                        {
                            Type($"{via} call site", parameter.ParameterType);
                        }

                        break;
                }
            }
        }

        public void MethodSignature(string via, MethodReference method)
        {
            Type(via, method.DeclaringType);
            Type(via, method.ReturnType);
            foreach (var parameter in method.Parameters)
            {
                Type(via, parameter.ParameterType);
            }

            if (method is GenericInstanceMethod instance)
            {
                foreach (var argument in instance.GenericArguments)
                {
                    Type(via, argument);
                }
            }
        }

        public void GenericParameters(string where, IGenericParameterProvider provider)
        {
            foreach (var parameter in provider.GenericParameters)
            {
                Attributes($"{where} generic parameter {parameter.Name}", parameter);
                foreach (var constraint in parameter.Constraints)
                {
                    Type($"{where} generic constraint on {parameter.Name}", constraint.ConstraintType);
                    Attributes($"{where} generic constraint on {parameter.Name}", constraint);
                }
            }
        }

        public void Attributes(string where, ICustomAttributeProvider provider)
        {
            if (!provider.HasCustomAttributes)
            {
                return;
            }

            foreach (var attribute in provider.CustomAttributes)
            {
                var via = $"{where} attribute [{attribute.AttributeType.Name}]";
                Type(via, attribute.AttributeType);
                MethodSignature(via, attribute.Constructor);

                // Reading the arguments parses the attribute's blob; a typeof(X) argument lives only there.
                foreach (var argument in attribute.ConstructorArguments)
                {
                    Argument($"{via} argument", argument);
                }

                foreach (var named in attribute.Fields.Concat(attribute.Properties))
                {
                    Argument($"{via} argument {named.Name}", named.Argument);
                }
            }
        }

        private void Argument(string via, CustomAttributeArgument argument)
        {
            Type(via, argument.Type);
            switch (argument.Value)
            {
                case TypeReference typeOf:
                    Type($"{via} typeof", typeOf);
                    break;
                case CustomAttributeArgument boxed:
                    Argument(via, boxed);
                    break;
                case CustomAttributeArgument[] elements:
                    foreach (var element in elements)
                    {
                        Argument(via, element);
                    }

                    break;
            }
        }

        /// <summary>Takes a type apart (generic instances, arrays, pointers, modifiers, function pointers) down to named types.</summary>
        public void Type(string via, TypeReference? type)
        {
            switch (type)
            {
                case null:
                case GenericParameter:
                    return;
                case GenericInstanceType instance:
                    Type(via, instance.ElementType);
                    foreach (var argument in instance.GenericArguments)
                    {
                        Type(via, argument);
                    }

                    return;
                case RequiredModifierType required:
                    Type(via, required.ModifierType);
                    Type(via, required.ElementType);
                    return;
                case OptionalModifierType optional:
                    Type(via, optional.ModifierType);
                    Type(via, optional.ElementType);
                    return;
                case FunctionPointerType pointer:
                    Type(via, pointer.ReturnType);
                    foreach (var parameter in pointer.Parameters)
                    {
                        Type(via, parameter.ParameterType);
                    }

                    return;
                case TypeSpecification specification:
                    Type(via, specification.ElementType);
                    return;
                default:
                    Named(via, type);
                    return;
            }
        }

        public void Named(string via, TypeReference type)
        {
            if (_seen.Add((via, type.FullName, TypeNames.AssemblyOf(type))))
            {
                Found.Add(new Dependency(source, via, type));
            }
        }
    }
}
