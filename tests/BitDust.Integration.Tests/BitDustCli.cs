using System.Diagnostics;
using System.Globalization;

namespace BitDust.Integration.Tests;

/// <summary>
/// Runs the real `bitdust` program (the built BitDust.Mount) against one home, as a user would type it. Public: fixtures expose
/// it. On this machine; a subclass runs it elsewhere (Hosts.HostNode: in a host's network namespace).
/// </summary>
public class BitDustCli(string home) : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    public string Home { get; } = home;

    /// <summary>More environment for the commands run from now on (and the daemon a command starts).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public static BitDustCli WithFreshHome()
    {
        var home = Directory.CreateTempSubdirectory("bitdust-it-").FullName;
        return new BitDustCli(home);
    }

    public Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunAsync(CommandTimeout, args);

    public async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] args)
    {
        var start = StartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "bitdust.dll"), .. args]);
        start.Environment["BITDUST_HOME"] = Home;
        foreach (var (name, value) in Environment)
            start.Environment[name] = value;
        return await ChildProcess.RunAsync(start, timeout);
    }

    /// <summary>How <paramref name="program"/> is started for this node: here, directly.</summary>
    protected virtual ProcessStartInfo StartInfo(string program, IEnumerable<string> args) => new(program, args);

    /// <summary>What the API calls go through: here, sockets on this machine's loopback.</summary>
    protected virtual HttpMessageHandler ApiHandler() => new SocketsHttpHandler();

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

    /// <summary>Calls the daemon's REST API directly, with its token; returns the parsed answer.</summary>
    public async Task<System.Text.Json.Nodes.JsonNode> ApiAsync(HttpMethod method, string path, string? json = null)
    {
        using var http = new HttpClient(ApiHandler()) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, new Uri($"http://127.0.0.1:{ApiPort()}{path}"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiToken());
        if (json is not null)
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>
    /// A port nothing listens on right now, for settings that other nodes must know before this one starts: below the kernel's
    /// ephemeral range, so no port 0 bind or outgoing connection of another test takes it before the daemon binds it.
    /// </summary>
    public static int FreePort(System.Net.Sockets.ProtocolType protocol) => BitDust.Mount.Localnet.FreePorts.One(protocol);

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
