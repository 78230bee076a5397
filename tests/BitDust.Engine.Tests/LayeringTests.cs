using Mono.Cecil;
using Mono.Cecil.Cil;

namespace BitDust.Engine.Tests;

/// <summary>
/// The engine's folders are layers, and a layer uses only layers below it or beside it (the same rank): the floor
/// (<c>Common</c>: readers, writers, atomic files, the node's home) under coding and crypto, under the pipeline, under the
/// network and identities, under storage, under the host (config, services, the REST API). Read from the compiled assembly,
/// so every use counts: signatures, fields, attributes and each instruction of each method body.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>Each namespace of the engine (and those under it) and its rank: a higher rank may use a lower one, not the reverse.</summary>
    private static readonly (string Namespace, int Rank)[] Layers =
    [
        ("BitDust.Engine.Common", 0),
        ("BitDust.Engine.Coding", 1),
        ("BitDust.Engine.Crypto", 1),
        ("BitDust.Engine.Pipeline", 2),
        ("BitDust.Engine.Network.Dht", 3),
        ("BitDust.Engine.Identity", 4),
        ("BitDust.Engine.Network.Transport", 5),
        ("BitDust.Engine.Network.Relay", 5),
        ("BitDust.Engine.Storage", 6),
        ("BitDust.Engine.Storage.Protocol", 7),
        ("BitDust.Engine.Storage.Supplier", 8),
        ("BitDust.Engine.Storage.Customer", 8),
        ("BitDust.Engine.Host.Configuration", 9),
        ("BitDust.Engine.Host.Services", 10),
        ("BitDust.Engine.Host.Api", 11),
    ];

    private static string EnginePath => typeof(Engine.Common.AtomicFile).Assembly.Location;

    [Fact]
    public void No_layer_of_the_engine_uses_a_layer_above_it()
    {
        var violations = Violations(EnginePath, Layers);
        Assert.True(violations.Count == 0, "upward uses:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Every_namespace_of_the_engine_has_a_layer()
    {
        using var module = ModuleDefinition.ReadModule(EnginePath);
        var unplaced = module.Types.Where(t => t.Namespace.StartsWith("BitDust.Engine", StringComparison.Ordinal))
            .Select(t => t.Namespace).Distinct().Where(n => RankOf(n, Layers) is null).Order(StringComparer.Ordinal).ToList();
        Assert.True(unplaced.Count == 0, $"namespaces with no layer in {nameof(LayeringTests)}: {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void The_check_finds_a_use_of_a_higher_layer()
    {
        // With the floor put on top, every use of Common from the pipeline is upward: the check must say so.
        var inverted = Layers.Select(l => l.Namespace == "BitDust.Engine.Common" ? (l.Namespace, 100) : l).ToArray();
        var violations = Violations(EnginePath, inverted);
        Assert.Contains(violations, v => v.StartsWith("BitDust.Engine.Pipeline.", StringComparison.Ordinal) &&
            v.Contains(" uses BitDust.Engine.Common.FormatReader", StringComparison.Ordinal));
    }

    /// <summary>"user uses used (where)" for every use of a higher-ranked namespace, once per pair of types.</summary>
    private static List<string> Violations(string assembly, (string Namespace, int Rank)[] layers)
    {
        using var module = ModuleDefinition.ReadModule(assembly);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in module.Types.SelectMany(AllNested))
        {
            var user = Outermost(type);
            if (RankOf(user.Namespace, layers) is not { } rank)
                continue;
            foreach (var (used, where) in Uses(type))
            {
                foreach (var named in Named(used))
                {
                    var outer = Outermost(named);
                    if (RankOf(outer.Namespace, layers) is { } usedRank && usedRank > rank)
                        found.Add($"{user.FullName} uses {outer.FullName} ({where})");
                }
            }
        }
        return [.. found];
    }

    private static int? RankOf(string ns, (string Namespace, int Rank)[] layers) => layers
        .Where(l => ns == l.Namespace || ns.StartsWith(l.Namespace + ".", StringComparison.Ordinal))
        .OrderByDescending(l => l.Namespace.Length).Select(l => (int?)l.Rank).FirstOrDefault();

    private static IEnumerable<TypeDefinition> AllNested(TypeDefinition type) => [type, .. type.NestedTypes.SelectMany(AllNested)];

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type;
    }

    /// <summary>The named types inside a type reference: the element of arrays, pointers and by-refs, a generic and its arguments.</summary>
    private static IEnumerable<TypeReference> Named(TypeReference? type)
    {
        switch (type)
        {
            case null or GenericParameter:
                yield break;
            case GenericInstanceType generic:
                foreach (var inner in Named(generic.ElementType).Concat(generic.GenericArguments.SelectMany(Named)))
                    yield return inner;
                break;
            case TypeSpecification specification:
                foreach (var inner in Named(specification.ElementType))
                    yield return inner;
                break;
            default:
                yield return type;
                break;
        }
    }

    /// <summary>Every type a type's definition and code refer to, with where.</summary>
    private static IEnumerable<(TypeReference Type, string Where)> Uses(TypeDefinition type)
    {
        if (type.BaseType is not null)
            yield return (type.BaseType, "base type");
        foreach (var implemented in type.Interfaces)
            yield return (implemented.InterfaceType, "interface");
        foreach (var attribute in type.CustomAttributes)
            yield return (attribute.AttributeType, "attribute");
        foreach (var field in type.Fields)
            yield return (field.FieldType, $"field {field.Name}");
        foreach (var property in type.Properties)
            yield return (property.PropertyType, $"property {property.Name}");
        foreach (var method in type.Methods)
        {
            var where = $"method {method.Name}";
            yield return (method.ReturnType, where);
            foreach (var parameter in method.Parameters)
                yield return (parameter.ParameterType, where);
            foreach (var attribute in method.CustomAttributes)
                yield return (attribute.AttributeType, where);
            if (!method.HasBody)
                continue;
            foreach (var local in method.Body.Variables)
                yield return (local.VariableType, where);
            foreach (var instruction in method.Body.Instructions)
            {
                foreach (var used in OperandTypes(instruction))
                    yield return (used, where);
            }
        }
    }

    private static IEnumerable<TypeReference> OperandTypes(Instruction instruction)
    {
        switch (instruction.Operand)
        {
            case TypeReference type:
                yield return type;
                break;
            case MethodReference method:
                yield return method.DeclaringType;
                yield return method.ReturnType;
                foreach (var parameter in method.Parameters)
                    yield return parameter.ParameterType;
                if (method is GenericInstanceMethod generic)
                {
                    foreach (var argument in generic.GenericArguments)
                        yield return argument;
                }
                break;
            case FieldReference field:
                yield return field.DeclaringType;
                yield return field.FieldType;
                break;
        }
    }
}
