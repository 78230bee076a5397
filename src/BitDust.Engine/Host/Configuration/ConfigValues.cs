using System.Globalization;
using BitDust.Engine.Coding;

namespace BitDust.Engine.Host.Configuration;

/// <summary>Parses and normalizes config values; every rejection names the key and what a good value looks like.</summary>
public static class ConfigValues
{
    private const int MaxValueLength = 4096;

    private static readonly (string Unit, long Factor)[] SizeUnits =
    [
        ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10),
        ("TIB", 1L << 40), ("GIB", 1L << 30), ("MIB", 1L << 20), ("KIB", 1L << 10), ("BYTES", 1), ("B", 1),
    ];

    /// <summary>Checks <paramref name="raw"/> for <paramref name="key"/> and returns it in its normal form.</summary>
    public static string Normalize(ConfigKey key, string raw)
    {
        var value = raw.Trim();
        if (value.Length > MaxValueLength)
            throw Invalid(key, raw, $"a value is at most {MaxValueLength} characters");
        return key.Kind switch
        {
            ConfigValueKind.Boolean => ParseBoolean(key, value) ? "true" : "false",
            ConfigValueKind.Port => ParsePort(key, value).ToString(CultureInfo.InvariantCulture),
            ConfigValueKind.Size => FormatSize(ParseSize(key, value)),
            ConfigValueKind.Integer => ParseInteger(key, value).ToString(CultureInfo.InvariantCulture),
            ConfigValueKind.SupplierCount => ParseSupplierCount(key, value).ToString(CultureInfo.InvariantCulture),
            ConfigValueKind.Text => ParseText(key, value),
            ConfigValueKind.HostList => string.Join(',', ParseHostList(key, value)),
            ConfigValueKind.KnownNodes => string.Equals(value, "genesis", StringComparison.OrdinalIgnoreCase)
                ? "genesis" : string.Join(',', ParseHostList(key, value)),
            ConfigValueKind.IdentityServers => string.Join(',', ParseIdentityServers(key, value)),
            _ => throw new InvalidOperationException($"No parser for {key.Kind}."),
        };
    }

    public static bool ParseBoolean(ConfigKey key, string value) => value.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "1" => true,
        "false" or "no" or "off" or "0" => false,
        _ => throw Invalid(key, value, "expected true or false"),
    };

    public static int ParsePort(ConfigKey key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw Invalid(key, value, "expected a port number between 1 and 65535 (0 picks a free one)");

    public static long ParseInteger(ConfigKey key, string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= key.Min && number <= key.Max
            ? number
            : throw Invalid(key, value, $"expected a whole number between {key.Min} and {key.Max}");

    public static int ParseSupplierCount(ConfigKey key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && ErasureScheme.SupplierCounts.Contains(count)
            ? count
            : throw Invalid(key, value, $"expected one of {string.Join(", ", ErasureScheme.SupplierCounts)}");

    /// <summary>"50 GB", "512MB", "1.5 TB", "4096": binary units, as BitDust counts them.</summary>
    public static long ParseSize(ConfigKey key, string value)
    {
        var text = value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var (unit, factor) = SizeUnits.FirstOrDefault(u => text.EndsWith(u.Unit, StringComparison.Ordinal));
        var number = unit is null ? text : text[..^unit.Length];
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            throw Invalid(key, value, "expected a size such as \"50 GB\", \"512 MB\" or a number of bytes");
        var multiplier = unit is null ? 1 : factor;
        if (amount > long.MaxValue / multiplier)
            throw Invalid(key, value, $"expected a size between {FormatSize(Math.Max(key.Min, 0))} and {FormatSize(key.Max)}");
        var bytes = amount * multiplier;
        if ( decimal.Truncate(bytes) < key.Min || decimal.Truncate(bytes) > key.Max)
            throw Invalid(key, value, $"expected a size between {FormatSize(Math.Max(key.Min, 0))} and {FormatSize(key.Max)}");
        return (long)decimal.Truncate(bytes);
    }

    /// <summary>The largest unit that shows the size exactly, as BitDust writes it: "50 GB", "1536 MB".</summary>
    public static string FormatSize(long bytes)
    {
        foreach (var (unit, factor) in SizeUnits.Take(4))
        {
            if (bytes >= factor && bytes % factor == 0)
                return $"{(bytes / factor).ToString(CultureInfo.InvariantCulture)} {unit}";
        }
        return $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes";
    }

    public static string ParseText(ConfigKey key, string value) =>
        value.Length > 0 && value.Length <= 255 && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ',')
            ? value
            : throw Invalid(key, value, "expected a host name or address without spaces or commas");

    /// <summary>host:port,host:port (empty for none).</summary>
    public static IReadOnlyList<string> ParseHostList(ConfigKey key, string value)
    {
        var hosts = new List<string>();
        foreach (var entry in SplitList(value))
        {
            var colon = entry.LastIndexOf(':');
            if (colon <= 0 || !IsHost(entry[..colon]) || !IsNonZeroPort(entry[(colon + 1)..]))
                throw Invalid(key, value, $"\"{entry}\" is not host:port (for example 10.0.0.1:14441)");
            hosts.Add(entry);
        }
        return hosts;
    }

    /// <summary>host:web-port:tcp-port,... (empty for none).</summary>
    public static IReadOnlyList<string> ParseIdentityServers(ConfigKey key, string value)
    {
        var servers = new List<string>();
        foreach (var entry in SplitList(value))
        {
            var parts = entry.Split(':');
            if (parts.Length != 3 || !IsHost(parts[0]) || !IsNonZeroPort(parts[1]) || !IsNonZeroPort(parts[2]))
                throw Invalid(key, value, $"\"{entry}\" is not host:web-port:tcp-port (for example id.example.org:8084:6661)");
            servers.Add(entry);
        }
        return servers;
    }

    private static IEnumerable<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsHost(string host) =>
        host.Length is > 0 and <= 253 && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    private static bool IsNonZeroPort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;

    private static ConfigException Invalid(ConfigKey key, string value, string expected)
    {
        var shown = value.Length > 60 ? value[..60] + "…" : value;
        return new ConfigException($"{key.Name}: \"{shown}\" is not valid: {expected}.");
    }
}
