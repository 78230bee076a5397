using System.Diagnostics;
using BitDust.Engine.Common;
using BitDust.Mount.Cli;

namespace BitDust.Mount.Daemon;

/// <summary>
/// Starts <c>bitdust run</c> detached from the terminal (its own session, output appended to the home's log file) and waits
/// until its REST API answers, so that when <c>bitdust daemon</c> returns the node is really up; and stops it again.
/// </summary>
internal static class DaemonLauncher
{
    private const string TieredCompilationVariable = "DOTNET_TieredCompilation";

    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The pid of the started node once its API answers; null when it did not come up within the timeout.</summary>
    public static async Task<int?> StartAsync(NodeHome home, TimeSpan timeout, CancellationToken cancellationToken)
    {
        home.Create();
        var (program, prefix) = SelfCommand();
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        // setsid -f: new session, so closing the terminal does not stop the node; sh redirects its output to the log.
        foreach (var argument in (string[])["-f", "sh", "-c", "exec \"$0\" \"$@\" >>\"$BITDUST_LOG\" 2>&1 </dev/null", program, .. prefix, "run"])
            start.ArgumentList.Add(argument);
        start.Environment[NodeHome.EnvironmentVariable] = home.Root;
        start.Environment["BITDUST_LOG"] = home.LogFile;
        // A node lives long and moves data from its first minute: compile each method once, optimized, rather than through
        // the quick tiers (measured: the first 512 MiB upload to a 7-supplier localnet went from 63 to 108 MB/s). The short
        // CLI commands keep tiered compilation, which starts them faster. A value the user set is kept.
        if (Environment.GetEnvironmentVariable(TieredCompilationVariable) is null)
            start.Environment[TieredCompilationVariable] = "0";
        using (var launcher = Process.Start(start) ?? throw new InvalidOperationException("setsid could not be started."))
            await launcher.WaitForExitAsync(cancellationToken).ConfigureAwait(false);

        using var client = new ApiClient(home);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (PidFile.ReadLivePid(home) is { } pid && await client.IsHealthyAsync(cancellationToken).ConfigureAwait(false))
                return pid;
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>
    /// Asks the node to stop through its API (SIGTERM when the API does not answer) and waits for it to exit. Returns the pid
    /// it stopped, with <c>Stopped</c> false when it still runs after the timeout; a null pid when no node was running.
    /// </summary>
    public static async Task<(int? Pid, bool Stopped)> StopAsync(NodeHome home, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (PidFile.ReadLivePid(home) is not { } pid)
            return (null, true);
        using var client = new ApiClient(home);
        var asked = false;
        try
        {
            (asked, _) = await client.SendAsync(HttpMethod.Get, "/process/stop/v1", null, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            asked = false;
        }
        if (!asked)
            Posix.SendSignal(pid, Posix.SigTerm);
        var clock = Stopwatch.StartNew();
        while (PidFile.ReadLivePid(home) is not null && clock.Elapsed < timeout)
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        return (pid, PidFile.ReadLivePid(home) is null);
    }

    /// <summary>The last lines of the node's log, for an error that says why it did not come up.</summary>
    public static IEnumerable<string> LogTail(NodeHome home, int lines = 15) =>
        File.Exists(home.LogFile) ? File.ReadLines(home.LogFile).TakeLast(lines) : [];

    /// <summary>How to run this program again: the apphost, or <c>dotnet bitdust.dll</c>.</summary>
    private static (string Program, string[] Prefix) SelfCommand()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which program is running.");
        var assembly = typeof(DaemonLauncher).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? (process, [assembly]) : (process, []);
    }
}
