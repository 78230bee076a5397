using System.Globalization;

namespace BitDust.Bench;

/// <summary>The few flags the benchmarks share: --quick, --seconds S, --trials T, and named integers.</summary>
internal sealed class BenchArgs(string[] args)
{
    public bool Quick => Has("--quick");

    public bool Has(string flag) => args.Contains(flag, StringComparer.Ordinal);

    public double Double(string flag, double fallback)
    {
        var i = Array.IndexOf(args, flag);
        return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public int Int(string flag, int fallback) => (int)Double(flag, fallback);

    public static string Format(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
