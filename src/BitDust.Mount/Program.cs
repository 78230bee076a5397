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
            MountCommand.Create(), .. StubCommands.Create(),
        ];
        foreach (var command in commands)
            root.Subcommands.Add(command);
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
