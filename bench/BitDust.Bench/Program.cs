using BitDust.Bench.Coding;
using BitDust.Bench.Pipeline;

namespace BitDust.Bench;

internal static class Program
{
    private const string Usage = """
        usage: scripts/bench coding|pipeline [--quick] [--seconds S] [--trials T]
          coding     Reed-Solomon encode/decode, ours beside Intel ISA-L, same shapes and 256 MiB buffer pool
          pipeline   seal/open of incompressible data in memory beside openssl AES-256-GCM [--mib N]
                     --stream-gib G alone: G GiB streamed through the writer, with the peak memory of the process
        """;

    public static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "coding":
                return CodingBenchmark.Run(args[1..]);
            case "pipeline":
                return PipelineBenchmark.Run(new BenchArgs(args[1..]));
            case "-h" or "--help":
                Console.WriteLine(Usage);
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
