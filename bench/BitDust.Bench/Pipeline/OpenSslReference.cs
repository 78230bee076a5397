using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BitDust.Bench.Pipeline;

/// <summary>`openssl speed -evp aes-256-gcm` at 16 KiB on one core: the yardstick for sealing, measured in the same run.</summary>
internal static partial class OpenSslReference
{
    public static double? MeasureAesGcmGBps(int seconds)
    {
        var start = new ProcessStartInfo("openssl", $"speed -seconds {seconds} -bytes 16384 -evp aes-256-gcm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            // The result row: "AES-256-GCM  2315004.59k" (thousands of bytes per second).
            var match = ResultRow().Match(output);
            return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 1000 / 1e9 : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"(?im)^aes-256-gcm\s+([0-9.]+)k\s*$")]
    private static partial Regex ResultRow();
}
