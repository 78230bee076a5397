namespace BitDust.Bench;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: scripts/bench coding|pipeline");
        return args.Length == 0 ? 2 : 0;
    }
}
