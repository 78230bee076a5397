using System.Globalization;
using System.Text.Json.Nodes;

namespace BitDust.Mount.Cli;

/// <summary>Sizes, rates and times as people read them, and the JSON number and text fields the API answers with.</summary>
internal static class Units
{
    private static readonly string[] Binary = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>"0 B", "512 B", "1.5 MiB", "12.0 GiB".</summary>
    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Binary.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0
            ? $"{bytes.ToString(CultureInfo.InvariantCulture)} B"
            : $"{value.ToString("0.0", CultureInfo.InvariantCulture)} {Binary[unit]}";
    }

    /// <summary>Decimal megabytes per second, as rclone and dd print them.</summary>
    public static string MegabytesPerSecond(long bytes, TimeSpan elapsed) =>
        (elapsed.TotalSeconds > 0 ? bytes / 1e6 / elapsed.TotalSeconds : 0).ToString("0.0", CultureInfo.InvariantCulture) + " MB/s";

    public static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static long Long(JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var number) ? number : 0;

    public static string Text(JsonNode? node) => node switch
    {
        null => "-",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(),
    };

    /// <summary>An ISO 8601 time from the API as local "yyyy-MM-dd HH:mm:ss", or "-" when there is none.</summary>
    public static string Time(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : "-";
}
