using System.Diagnostics;
using BitDust.Mount.Daemon;

namespace BitDust.Mount.Localnet;

internal sealed partial class LocalNetwork
{
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Stops the genesis node and every supplier (through their API, then SIGTERM, then SIGKILL past the timeout), never the
    /// customer; with <paramref name="purge"/> removes the folder too once they are all gone. Null when there is no localnet;
    /// else what was recorded and whether every node stopped.
    /// </summary>
    public async Task<(LocalnetState State, bool AllStopped)?> DownAsync(bool purge, CancellationToken cancellationToken)
    {
        if (LocalnetState.Read(Folder) is not { } state)
        {
            if (purge && Directory.Exists(Folder))
                throw new LocalnetException($"{Folder} holds no {LocalnetState.FileName}: it is not a localnet, so it is not removed.");
            return null;
        }
        var holdsCustomer = CustomerHome.Root == Folder ||
            CustomerHome.Root.StartsWith(Folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (purge && holdsCustomer)
            throw new LocalnetException($"{Folder} holds this node's own home {CustomerHome.Root}: it is not removed.", isUsage: true);
        report($"Stopping the localnet in {Folder}: genesis + {state.Suppliers} suppliers");
        var results = await Task.WhenAll(state.NetworkNodes.Select(node => StopAsync(node, cancellationToken))).ConfigureAwait(false);
        var allStopped = results.All(stopped => stopped);
        if (purge && allStopped)
        {
            Directory.Delete(Folder, recursive: true);
            report($"  removed {Folder}");
        }
        else if (purge)
        {
            report($"  {Folder} is kept: not every node stopped");
        }
        return (state, allStopped);
    }

    private async Task<bool> StopAsync(LocalnetNode node, CancellationToken cancellationToken)
    {
        var home = node.NodeHome;
        var (pid, stopped) = await DaemonLauncher.StopAsync(home, DaemonLauncher.StopTimeout, cancellationToken).ConfigureAwait(false);
        if (pid is null)
        {
            report($"  {node.Name} was not running");
            return true;
        }
        if (stopped)
        {
            report($"  {node.Name} stopped (pid {pid})");
            return true;
        }
        try
        {
            using var process = Process.GetProcessById(pid.Value);
            process.Kill();
            await process.WaitForExitAsync(cancellationToken).WaitAsync(KillTimeout, cancellationToken).ConfigureAwait(false);
            report($"  {node.Name} (pid {pid}) did not stop within {DaemonLauncher.StopTimeout.TotalSeconds:0} s and was killed; " +
                $"see {home.LogFile}");
            return true;
        }
        catch (ArgumentException)
        {
            report($"  {node.Name} stopped (pid {pid})");
            return true;
        }
        catch (TimeoutException)
        {
            report($"  {node.Name} (pid {pid}) is still running after SIGKILL");
            return false;
        }
    }
}
