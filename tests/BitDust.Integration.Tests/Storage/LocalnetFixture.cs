using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace BitDust.Integration.Tests.Storage;

/// <summary>A node of a localnet as <c>bitdust localnet status --json</c> reports it.</summary>
public sealed record LocalnetNodeInfo(string Role, string Name, string Home, int Pid, bool Alive, IReadOnlyList<int> Ports);

/// <summary>
/// A real localnet for a test: <c>bitdust localnet up --suppliers N</c> run with a fresh customer home in a temp folder, so the
/// genesis node, the N suppliers and the customer are separate daemons. Teardown always runs (also when up fails): localnet down,
/// stop the customer, then kill by pid whatever of ours remains, and remove the home.
/// As a class fixture, fix N in a subclass (<c>public sealed class SevenSuppliers() : LocalnetFixture(7);</c>); or use it directly:
/// <c>await using var net = new LocalnetFixture(4); await net.InitializeAsync();</c>.
/// </summary>
public class LocalnetFixture(int suppliers) : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TeardownTimeout = TimeSpan.FromSeconds(60);
    private readonly HashSet<int> _pids = [];
    private bool _disposed;

    public int SupplierCount { get; } = suppliers;

    /// <summary>The CLI with BITDUST_HOME set to the customer's home: what a user of the localnet types.</summary>
    public BitDustCli Customer { get; } = BitDustCli.WithFreshHome();

    public string Folder => Path.Combine(Customer.Home, "localnet");

    /// <summary>Every node as status reported it right after up: genesis, suppliers, customer.</summary>
    public IReadOnlyList<LocalnetNodeInfo> Nodes { get; private set; } = [];

    public LocalnetNodeInfo Genesis => Nodes.Single(n => n.Role == "genesis");

    public IReadOnlyList<LocalnetNodeInfo> Suppliers => Nodes.Where(n => n.Role == "supplier").ToList();

    /// <summary>What <c>localnet up</c> printed.</summary>
    public string UpOutput { get; private set; } = "";

    /// <summary>The CLI run on one node's home (its API, its config). The fixture owns the node: do not dispose this.</summary>
    public static BitDustCli CliOf(LocalnetNodeInfo node) => new(node.Home);

    public async Task InitializeAsync()
    {
        try
        {
            await Customer.RunOkAsync("set", "interface/api/rest-http-port", "0");
            await Customer.RunOkAsync("set", "services/entangled-dht/udp-port", "0");
            await Customer.RunOkAsync("set", "services/tcp-connections/tcp-port",
                BitDustCli.FreePort(ProtocolType.Tcp).ToString(CultureInfo.InvariantCulture));
            var clock = Stopwatch.StartNew();
            var (code, output, error) = await Customer.RunAsync(UpTimeout, "localnet", "up", "--suppliers",
                SupplierCount.ToString(CultureInfo.InvariantCulture));
            RememberPids();
            UpOutput = output;
            Assert.True(code == 0, $"bitdust localnet up exited {code} after {clock.Elapsed}:\n{output}{error}\n{LogTails()}");
            Nodes = ParseNodes(await StatusAsync());
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary><c>bitdust localnet status --json</c>, whatever its exit code (1 when a node is down).</summary>
    public async Task<JsonNode> StatusAsync()
    {
        var (_, output, error) = await Customer.RunAsync("localnet", "status", "--json");
        return JsonNode.Parse(output) ?? throw new InvalidOperationException($"localnet status printed no JSON: {output}{error}");
    }

    public static IReadOnlyList<LocalnetNodeInfo> ParseNodes(JsonNode status) =>
        status["nodes"]!.AsArray().Select(n => new LocalnetNodeInfo(
            n!["role"]!.GetValue<string>(), n["name"]!.GetValue<string>(), n["home"]!.GetValue<string>(), n["pid"]!.GetValue<int>(),
            n["alive"]!.GetValue<bool>(),
            n["ports"]!.AsObject().Select(p => p.Value!.GetValue<int>()).ToList())).ToList();

    /// <summary>The end of every node's log, for a failure message.</summary>
    public string LogTails()
    {
        var text = new StringBuilder();
        var homes = Directory.Exists(Folder) ? Directory.GetDirectories(Folder).Prepend(Customer.Home) : [Customer.Home];
        foreach (var home in homes)
        {
            var log = Path.Combine(home, "logs", "bitdust.log");
            if (!File.Exists(log))
                continue;
            text.AppendLine(CultureInfo.InvariantCulture, $"--- {log}");
            foreach (var line in File.ReadLines(log).TakeLast(10))
                text.AppendLine(line);
        }
        return text.ToString();
    }

    public async Task DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        RememberPids();
        try
        {
            await Customer.RunAsync(TeardownTimeout, "localnet", "down");
            await Customer.RunAsync(TeardownTimeout, "stop");
        }
        catch (TimeoutException)
        {
            // What did not stop is killed below.
        }
        foreach (var pid in _pids.Where(IsOurs))
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
        await Customer.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    /// <summary>Every pid a daemon of this localnet wrote, so none is left behind even when localnet.json is not.</summary>
    private void RememberPids()
    {
        var homes = Directory.Exists(Folder) ? Directory.GetDirectories(Folder).Prepend(Customer.Home) : [Customer.Home];
        foreach (var file in homes.Select(h => Path.Combine(h, "bitdust.pid")).Where(File.Exists))
        {
            if (int.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out var pid))
                _pids.Add(pid);
        }
    }

    /// <summary>A live process whose BITDUST_HOME is under this fixture's home: never someone else's process that reused a pid.</summary>
    private bool IsOurs(int pid)
    {
        try
        {
            var environment = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ").Split('\0');
            return environment.Any(v => v == $"BITDUST_HOME={Customer.Home}" ||
                v.StartsWith($"BITDUST_HOME={Customer.Home}{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
