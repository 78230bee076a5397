using System.Buffers;
using System.Diagnostics;
using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.TestSupport;

namespace BitDust.Bench.Pipeline;

/// <summary>
/// Seal (compress check + AES-256-GCM + Reed-Solomon + fragment tags) and open (fetch k fragments + verify + decode + open),
/// incompressible data from memory to fragments in memory and back, on every core. Prints
/// `pipeline k= m= block= seal_GBps= open_GBps=` per case beside `openssl speed` AES-256-GCM 16 KiB on one core.
/// </summary>
internal static class PipelineBenchmark
{
    public static int Run(BenchArgs args)
    {
        var seconds = args.Quick ? 1 : args.Int("--seconds", 3);
        var trials = args.Quick ? 1 : args.Int("--trials", 3);
        var inputBytes = (args.Quick ? 64 : args.Int("--mib", 256)) * 1024 * 1024;

        using var masterKey = MasterKey.Generate();
        if (args.Double("--stream-gib", 0) is var gib and > 0)
        {
            // Alone in the process, so the peak memory it reports is the streaming writer's own.
            Stream(gib, masterKey);
            return 0;
        }
        var openssl = OpenSslReference.MeasureAesGcmGBps(seconds);
        Console.WriteLine(openssl is { } gbps
            ? $"reference openssl aes-256-gcm bytes=16384 cores=1 GBps={BenchArgs.Format(gbps)}"
            : "# reference openssl is missing: apt-get install -y openssl");
        Console.WriteLine($"# cores={Environment.ProcessorCount} kernel={GfKernel.Best.Kind} input={inputBytes} trials={trials} (median)");

        var input = new byte[inputBytes];
        new Random(1).NextBytes(input);
        var output = new MemoryStream(inputBytes);
        foreach (var (suppliers, block) in Cases(args.Quick))
        {
            var scheme = ErasureScheme.ForSuppliers(suppliers);
            // The store keeps every block: a pool that can hold them all lets trials reuse buffers as a steady upload does.
            var options = new PipelineOptions
            {
                Scheme = scheme, BlockSize = block, Parallelism = Environment.ProcessorCount,
                FragmentBuffers = ArrayPool<byte>.Create(PipelineLimits.MaxBlockSize * 2, inputBytes / block + 16),
            };
            var seal = new List<double>();
            var open = new List<double>();
            RunOnce(input, output, masterKey, options);
            for (var t = 0; t < trials; t++)
            {
                var (sealGBps, openGBps) = RunOnce(input, output, masterKey, options);
                seal.Add(sealGBps);
                open.Add(openGBps);
            }
            var sealMedian = Median(seal);
            var ratio = openssl is { } reference ? $" seal_vs_openssl={BenchArgs.Format(sealMedian / reference)}" : "";
            Console.WriteLine($"pipeline k={scheme.DataCount} m={scheme.ParityCount} block={block} " +
                $"seal_GBps={BenchArgs.Format(sealMedian)} open_GBps={BenchArgs.Format(Median(open))}{ratio}");
        }
        return 0;
    }

    private static IEnumerable<(int Suppliers, int Block)> Cases(bool quick)
    {
        yield return (7, 4 * 1024 * 1024);
        if (quick)
            yield break;
        yield return (7, 1024 * 1024);
        yield return (4, 4 * 1024 * 1024);
        yield return (13, 4 * 1024 * 1024);
    }

    /// <summary>One seal and one open; the first call of a case warms the JIT and the buffer pool and is not counted.</summary>
    private static (double Seal, double Open) RunOnce(byte[] input, MemoryStream output, MasterKey masterKey, PipelineOptions options)
    {
        using var store = new MemoryFragmentStore();
        var clock = Stopwatch.StartNew();
        using (var source = new MemoryStream(input, writable: false))
        {
            var manifest = VersionWriter.WriteAsync(source, FileVersion.NewFile(), masterKey, options, (block, _) =>
            {
                store.Add(block);
                return ValueTask.CompletedTask;
            }, CancellationToken.None).GetAwaiter().GetResult();
            var sealSeconds = clock.Elapsed.TotalSeconds;

            output.SetLength(0);
            using var key = manifest.UnwrapKey(masterKey);
            using var decoder = new BlockDecoder(manifest, key, new ReedSolomon(manifest.Scheme));
            clock.Restart();
            VersionReader.ReadAsync(decoder, store, output, 0, manifest.Size, options.Parallelism, CancellationToken.None).GetAwaiter().GetResult();
            var openSeconds = clock.Elapsed.TotalSeconds;
            if (!output.GetBuffer().AsSpan(0, (int)output.Length).SequenceEqual(input))
                throw new InvalidOperationException("The pipeline returned different bytes.");
            return (input.Length / sealSeconds / 1e9, input.Length / openSeconds / 1e9);
        }
    }

    /// <summary>A long input through the writer with fragments dropped as they come: speed and the process's peak memory.</summary>
    private static void Stream(double gib, MasterKey masterKey)
    {
        var options = new PipelineOptions { Scheme = ErasureScheme.ForSuppliers(7), Parallelism = Environment.ProcessorCount };
        var total = (long)(gib * 1024 * 1024 * 1024);
        using var input = new RepeatingStream(total);
        var clock = Stopwatch.StartNew();
        VersionWriter.WriteAsync(input, FileVersion.NewFile(), masterKey, options, (block, _) =>
        {
            block.Dispose();
            return ValueTask.CompletedTask;
        }, CancellationToken.None).GetAwaiter().GetResult();
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"pipeline-stream k={options.Scheme.DataCount} m={options.Scheme.ParityCount} block={options.BlockSize} " +
            $"bytes={total} seal_GBps={BenchArgs.Format(total / seconds / 1e9)} peak_rss_MiB={PeakRssMiB()}");
    }

    private static long PeakRssMiB()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
