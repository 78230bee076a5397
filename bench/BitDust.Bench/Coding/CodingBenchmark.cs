using System.Diagnostics;
using System.Globalization;
using BitDust.Engine.Coding;

namespace BitDust.Bench.Coding;

/// <summary>
/// Reed-Solomon throughput, ours against Intel ISA-L in the same process on the same shard-sets, single thread.
/// Prints one line per case: <c>coding impl=ours k=4 m=3 set=1048576 encode_GBps=6.90 decode_GBps=6.80</c>.
/// GB/s counts 10^9 data bytes (k fragments) per second; decode rebuilds the first m fragments (data first, the
/// worst case) from the next k, with its tables prepared once. Each figure is the median of the trials.
/// </summary>
public static unsafe class CodingBenchmark
{
    private const long DefaultPoolMiB = 256;
    private const double WarmUpSeconds = 0.3;

    private static readonly (int K, int M)[] Shapes = [(2, 2), (4, 3), (4, 4), (7, 6), (10, 4), (13, 13)];
    private static readonly int[] SetSizes = [65536, 1048576];

    /// <summary>Options: --seconds S (per trial, default 1), --trials T (default 3), --quick (0.2 s, 1 trial),
    /// --shape K,M and --set BYTES (repeatable, limit the cases), --pool-mib N (default 256; 0 reuses one set, hot in
    /// cache), --skew (fragments not 64-byte aligned, each off by a different amount), --kernel KIND (our kernel,
    /// default the best).</summary>
    public static int Run(string[] args)
    {
        var seconds = 1.0;
        var trials = 3;
        var shapes = new List<(int K, int M)>();
        var setSizes = new List<int>();
        var poolMiB = DefaultPoolMiB;
        var skewed = false;
        var kernel = GfKernel.Best;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "coding":
                    break;
                case "--quick":
                    seconds = 0.2;
                    trials = 1;
                    break;
                case "--seconds" when i + 1 < args.Length:
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--trials" when i + 1 < args.Length:
                    trials = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--shape" when i + 1 < args.Length:
                    var parts = args[++i].Split(',');
                    shapes.Add((int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture)));
                    break;
                case "--set" when i + 1 < args.Length:
                    setSizes.Add(int.Parse(args[++i], CultureInfo.InvariantCulture));
                    break;
                case "--pool-mib" when i + 1 < args.Length:
                    poolMiB = long.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--skew":
                    skewed = true;
                    break;
                case "--kernel" when i + 1 < args.Length:
                    kernel = GfKernel.Get(Enum.Parse<GfKernelKind>(args[++i], ignoreCase: true));
                    break;
                default:
                    Console.Error.WriteLine(
                        $"coding: unknown option '{args[i]}'; use --seconds S, --trials T, --quick, --shape K,M, --set BYTES, "
                        + "--pool-mib N, --skew, --kernel KIND");
                    return 2;
            }
        }

        var isaL = IsaL.TryLoad();
        if (isaL is null)
        {
            Console.WriteLine(
                $"# ISA-L is missing: {IsaL.LibraryName} did not load; to compare, install it "
                + "(apt-get update && apt-get install -y libisal2). Printing ours only.");
        }

        Console.WriteLine($"# ours kernel={kernel.Kind}");
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"# single thread, pool {poolMiB} MiB{(skewed ? ", skewed fragments" : "")}, median of {trials} trial(s) of {seconds} s"));
        var cases = (shapes.Count > 0 ? shapes : [.. Shapes])
            .SelectMany(shape => (setSizes.Count > 0 ? setSizes : [.. SetSizes])
                .Select(set => (Scheme: new ErasureScheme(shape.K, shape.M), Set: set)))
            .ToList();
        var pool = new ShardPool(cases.Select(c => (long)c.Scheme.Total * (c.Scheme.ShardLength(c.Set) + 64)).Append(poolMiB << 20).Max());
        foreach (var (scheme, set) in cases)
        {
            var sets = pool.Carve(scheme.Total, scheme.ShardLength(set), poolMiB == 0 ? 1 : int.MaxValue, skewed);
            var status = RunCase(sets, scheme, set, kernel, isaL, seconds, trials);
            if (status != 0)
            {
                return status;
            }
        }

        return 0;
    }

    private static int RunCase(ShardSets sets, ErasureScheme scheme, int setBytes, GfKernel kernel, IsaL? isaL, double seconds, int trials)
    {
        var shardBytes = scheme.ShardLength(setBytes);
        var cases = new List<CodingCase> { new OursCase(new ReedSolomon(scheme, kernel), sets, shardBytes) };
        if (isaL is not null)
        {
            cases.Add(new IsaLCase(isaL, scheme, sets, shardBytes));
        }

        foreach (var coder in cases)
        {
            if (!coder.Verify())
            {
                Console.Error.WriteLine($"coding: {coder.Name} rebuilt wrong bytes for {scheme} at {setBytes} bytes per set");
                return 1;
            }
        }

        // Untimed warm-up: lets tiered compilation finish optimizing our code before the first trial.
        foreach (var coder in cases)
        {
            Measure(coder.Encode, sets.Count, 0, WarmUpSeconds);
            Measure(coder.Decode, sets.Count, 0, WarmUpSeconds);
        }

        var encode = cases.Select(_ => new List<double>()).ToArray();
        var decode = cases.Select(_ => new List<double>()).ToArray();

        // Trials alternate between the coders so drift (clock, a neighbour's build) hits both alike.
        for (var t = 0; t < trials; t++)
        {
            for (var c = 0; c < cases.Count; c++)
            {
                encode[c].Add(Measure(cases[c].Encode, sets.Count, scheme.DataCount * (long)shardBytes, seconds));
                decode[c].Add(Measure(cases[c].Decode, sets.Count, scheme.DataCount * (long)shardBytes, seconds));
            }
        }

        for (var c = 0; c < cases.Count; c++)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"coding impl={cases[c].Name} k={scheme.DataCount} m={scheme.ParityCount} set={setBytes} "
                + $"encode_GBps={Median(encode[c]):F2} decode_GBps={Median(decode[c]):F2}"));
        }

        return 0;
    }

    private static double Measure(Action<int> code, int setCount, long dataBytesPerSet, double seconds)
    {
        var set = 0;
        long calls = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            for (var i = 0; i < 16; i++)
            {
                code(set);
                set = set + 1 == setCount ? 0 : set + 1;
                calls++;
            }
        }
        while (clock.Elapsed.TotalSeconds < seconds);
        return calls * dataBytesPerSet / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
