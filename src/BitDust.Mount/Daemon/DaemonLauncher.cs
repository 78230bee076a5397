using System.Diagnostics;
using BitDust.Engine.Configuration;

namespace BitDust.Mount.Daemon;

/// <summary>
/// Starts <c>bitdust run</c> detached from the terminal (its own session, output appended to the home's log file) and waits
/// until its REST API answers, so that when <c>bitdust daemon</c> returns the node is really up.
/// </summary>
internal static class DaemonLauncher
{
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
        using (var launcher = Process.Start(start) ?? throw new InvalidOperationException("setsid could not be started."))
            await launcher.WaitForExitAsync(cancellationToken).ConfigureAwait(false);

        using var client = new Cli.ApiClient(home);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (PidFile.ReadLivePid(home) is { } pid && await client.IsHealthyAsync(cancellationToken).ConfigureAwait(false))
                return pid;
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>How to run this program again: the apphost, or <c>dotnet bitdust.dll</c>.</summary>
    private static (string Program, string[] Prefix) SelfCommand()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which program is running.");
        var assembly = typeof(DaemonLauncher).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? (process, [assembly]) : (process, []);
    }
}
