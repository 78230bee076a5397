using System.Diagnostics;
using System.Globalization;

namespace BitDust.Integration.Tests;

/// <summary>Runs the real `bitdust` program (the built BitDust.Mount) against one home, as a user would type it.</summary>
internal sealed class BitDustCli(string home) : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    public string Home { get; } = home;

    public static BitDustCli WithFreshHome()
    {
        var home = Directory.CreateTempSubdirectory("bitdust-it-").FullName;
        return new BitDustCli(home);
    }

    public async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bitdust.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["BITDUST_HOME"] = Home;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(CommandTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bitdust {string.Join(' ', args)} did not finish within {CommandTimeout}");
        }
        return (process.ExitCode, await output, await error);
    }

    public async Task<string> RunOkAsync(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);
        Assert.True(code == 0, $"bitdust {string.Join(' ', args)} exited {code}: {output}{error}");
        return output;
    }

    public int? DaemonPid()
    {
        var file = Path.Combine(Home, "bitdust.pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    public int ApiPort() => int.Parse(File.ReadAllText(Path.Combine(Home, "api-port")).Trim(), CultureInfo.InvariantCulture);

    public string ApiToken() => File.ReadAllText(Path.Combine(Home, "api-token")).Trim();

    /// <summary>Stops the daemon this test started (by its pid, never by name) and removes the home.</summary>
    public async ValueTask DisposeAsync()
    {
        if (DaemonPid() is { } pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        Directory.Delete(Home, recursive: true);
    }
}
