using System.Reflection;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Tests;

/// <summary>
/// The one logging shape: every log line is a <c>[LoggerMessage]</c> with an EventId in its area's range of 100, as Kestrel and
/// Npgsql number theirs, so a line can be found, filtered and alerted on by number. The ranges, by namespace (the longest
/// match decides):
/// </summary>
public static class LogEventIds
{
    public static readonly IReadOnlyList<(string Namespace, int First)> Areas =
    [
        ("BitDust.Engine.Common", 1000), ("BitDust.Engine.Coding", 1100), ("BitDust.Engine.Crypto", 1200),
        ("BitDust.Engine.Pipeline", 1300),
        ("BitDust.Engine.Network.Dht", 2000), ("BitDust.Engine.Network.Transport", 2100), ("BitDust.Engine.Network.Relay", 2200),
        ("BitDust.Engine.Identity", 2300),
        ("BitDust.Engine.Storage", 3000), ("BitDust.Engine.Storage.Protocol", 3100), ("BitDust.Engine.Storage.Supplier", 3200),
        ("BitDust.Engine.Storage.Customer", 3300), ("BitDust.Engine.Storage.Customer.Records", 3400),
        ("BitDust.Engine.Storage.Customer.Families", 3500), ("BitDust.Engine.Storage.Customer.Transfers", 3600),
        ("BitDust.Engine.Storage.Customer.Rebuilding", 3700), ("BitDust.Engine.Storage.Customer.Stubs", 3800),
        ("BitDust.Engine.Host.Configuration", 4000), ("BitDust.Engine.Host.Services", 4100), ("BitDust.Engine.Host.Api", 4200),
        ("BitDust.Fs.Fuse", 5000), ("BitDust.Fs.Vfs", 5100), ("BitDust.Fs.Cache", 5200), ("BitDust.Fs.Stubs", 5300),
        ("BitDust.Fs.Drive", 5400),
        ("BitDust.Mount.Daemon", 6000), ("BitDust.Mount.Cli", 6100), ("BitDust.Mount", 6200),
    ];

    /// <summary>Every log method of <paramref name="assembly"/> with its EventId and where it is declared.</summary>
    public static List<(string Where, string Namespace, int EventId)> Methods(Assembly assembly) =>
    [
        .. from type in assembly.GetTypes()
           from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance |
               BindingFlags.DeclaredOnly)
           let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
           where attribute is not null
           select ($"{type.FullName}.{method.Name}", Outermost(type).Namespace ?? "", attribute.EventId),
    ];

    /// <summary>What is wrong with the log methods of <paramref name="assembly"/>: ids missing, outside their area, or taken twice.</summary>
    public static List<string> Problems(Assembly assembly)
    {
        var methods = Methods(assembly);
        var problems = new List<string>();
        foreach (var (where, ns, id) in methods)
        {
            var area = Areas.Where(a => ns == a.Namespace || ns.StartsWith(a.Namespace + ".", StringComparison.Ordinal))
                .OrderByDescending(a => a.Namespace.Length).Select(a => (int?)a.First).FirstOrDefault();
            if (area is null)
                problems.Add($"{where}: its namespace {ns} has no EventId range in {nameof(LogEventIds)}.{nameof(Areas)}");
            else if (id < area || id >= area + 100)
                problems.Add($"{where}: EventId {id}, outside {ns}'s range {area}..{area + 99}");
        }
        foreach (var taken in methods.GroupBy(m => m.EventId).Where(g => g.Count() > 1))
            problems.Add($"EventId {taken.Key} is used by {string.Join(" and ", taken.Select(m => m.Where))}");
        return problems;
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type;
    }
}
