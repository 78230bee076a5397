using System.CommandLine;
using BitDust.Mount.Cli;

namespace BitDust.Mount;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("""
            BitDust.NET: a decentralized, encrypted, self-repairing storage network, exposed as a drive.
            BITDUST_HOME (default ~/.bitdust) selects the node, so several can run on one machine.
            """);
        IEnumerable<Command> commands =
        [
            .. NodeCommands.Create(), .. ConfigCommands.Create(), IdentityCommands.Create(), ApiCommand.Create(),
            FileCommands.Create(), .. SupplierCommands.Create(), SpaceCommands.Create(), LocalnetCommands.Create(),
            MountCommand.Create(), .. StubCommands.Create(), ServiceCommands.Create(),
        ];
        foreach (var command in commands)
            root.Subcommands.Add(command);
        // Ctrl-C and SIGTERM cancel the action's token, and every action stops on it; the default 2 s before the process is
        // ended regardless would cut short the drive's flush on Ctrl-C (bitdust mount --foreground) and a node's clean stop.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromHours(1) };
        return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
    }
}
