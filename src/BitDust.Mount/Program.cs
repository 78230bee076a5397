using System.CommandLine;

namespace BitDust.Mount;

internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("BitDust.NET: a decentralized, encrypted, self-repairing storage network, exposed as a drive.");
        return root.Parse(args).Invoke();
    }
}
