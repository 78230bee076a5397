using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitDust.Engine.Common;
using BitDust.Mount.Daemon;

namespace BitDust.Mount.Cli;

/// <summary><c>daemon</c>, <c>run</c>, <c>stop</c>, <c>restart</c>, <c>status</c>, <c>states</c>: the node's life.</summary>
internal static class NodeCommands
{
    public static IEnumerable<Command> Create()
    {
        var daemon = new Command("daemon", "Start the node in the background (its log: $BITDUST_HOME/logs/bitdust.log).");
        daemon.SetAction((_, ct) => StartAsync(NodeHome.FromEnvironment(), ct));
        yield return daemon;

        var run = new Command("run", "Run the node in the foreground until Ctrl-C or SIGTERM.");
        run.SetAction((_, ct) => NodeRunner.RunAsync(NodeHome.FromEnvironment(), ct));
        yield return run;

        var stop = new Command("stop", "Stop the node running in $BITDUST_HOME.");
        stop.SetAction((_, ct) => StopAsync(NodeHome.FromEnvironment(), ct));
        yield return stop;

        var restart = new Command("restart", "Stop the node and start it again: identity, config and state are kept.");
        restart.SetAction(async (_, ct) =>
        {
            var home = NodeHome.FromEnvironment();
            var stopped = await StopAsync(home, ct).ConfigureAwait(false);
            return stopped == ExitCodes.Ok ? await StartAsync(home, ct).ConfigureAwait(false) : stopped;
        });
        yield return restart;

        yield return StatusCommand.Create();

        var states = new Command("states", "Every service with ON/OFF, its state, and why it is off.");
        states.SetAction((_, ct) => StatesAsync(NodeHome.FromEnvironment(), ct));
        yield return states;
    }

    private static async Task<int> StartAsync(NodeHome home, CancellationToken cancellationToken)
    {
        if (PidFile.ReadLivePid(home) is { } running)
        {
            Console.WriteLine($"BitDust node is already running in {home.Root} (pid {running}).");
            return ExitCodes.Ok;
        }
        Console.WriteLine($"Starting BitDust node in {home.Root} ...");
        var pid = await DaemonLauncher.StartAsync(home, DaemonLauncher.StartTimeout, cancellationToken).ConfigureAwait(false);
        if (pid is null)
        {
            Console.Error.WriteLine(
                $"error: the node did not come up within {DaemonLauncher.StartTimeout.TotalSeconds:0} s. " +
                $"The end of its log ({home.LogFile}):");
            foreach (var line in DaemonLauncher.LogTail(home))
                Console.Error.WriteLine("  " + line);
            return ExitCodes.Failed;
        }
        using var client = new ApiClient(home);
        Console.WriteLine($"BitDust node started (pid {pid}); REST API on {client.BaseAddress}; log: {home.LogFile}");
        return ExitCodes.Ok;
    }

    private static async Task<int> StopAsync(NodeHome home, CancellationToken cancellationToken)
    {
        var (pid, stopped) = await DaemonLauncher.StopAsync(home, DaemonLauncher.StopTimeout, cancellationToken).ConfigureAwait(false);
        if (pid is null)
        {
            Console.WriteLine($"BitDust node in {home.Root} is not running.");
            return ExitCodes.Ok;
        }
        if (!stopped)
        {
            Console.Error.WriteLine(
                $"error: the node (pid {pid}) did not stop within {DaemonLauncher.StopTimeout.TotalSeconds:0} s; see {home.LogFile}.");
            return ExitCodes.Failed;
        }
        Console.WriteLine($"BitDust node stopped (pid {pid}).");
        return ExitCodes.Ok;
    }

    private static async Task<int> StatesAsync(NodeHome home, CancellationToken cancellationToken)
    {
        using var client = new ApiClient(home);
        var (ok, answer) = await client.SendAsync(HttpMethod.Get, "/service/list/v1", null, cancellationToken).ConfigureAwait(false);
        if (!ok)
            return Output.Failure(answer);
        var index = 0;
        foreach (var service in answer!["result"]!.AsArray())
        {
            var line = $"{++index,3}: {service!["name"]}({service["state"]})  {service["network_state"]}";
            var why = service["state"]!.GetValue<string>() == "OFF" ? service["reason"] : service["detail"];
            Console.WriteLine(why is null ? line : $"{line}  ({why})");
        }
        if (index == 0)
            Console.WriteLine("no services");
        return ExitCodes.Ok;
    }
}
