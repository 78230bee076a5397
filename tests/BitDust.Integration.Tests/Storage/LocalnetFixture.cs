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
/// genesis node, the N suppliers and the customer are separate daemons; ready once the customer has hired its family. Nodes a
/// test adds (a spare supplier, a second customer, a recovered home) live under <see cref="NodesFolder"/>. Teardown always runs
/// (also when up fails): localnet down, stop the customer and the added nodes, then kill by pid whatever of ours remains, and
/// remove the home with everything in it. As a class fixture, fix N in a subclass
/// (<c>public sealed class SevenSuppliers() : LocalnetFixture(7);</c>); or
/// <c>await using var net = await LocalnetFixture.StartAsync(7);</c>.
/// </summary>
public partial class LocalnetFixture(int suppliers, IReadOnlyList<(string Key, string Value)>? customerSettings = null)
    : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TeardownTimeout = TimeSpan.FromSeconds(60);
    private readonly HashSet<int> _pids = [];
    private bool _disposed;

    public int SupplierCount { get; } = suppliers;

    /// <summary>The CLI with BITDUST_HOME set to the customer's home: what a user of the localnet types.</summary>
    public BitDustCli Customer { get; } = BitDustCli.WithFreshHome();

    public string Folder => Path.Combine(Customer.Home, "localnet");

    /// <summary>Homes of the nodes a test adds beside the localnet's own.</summary>
    public string NodesFolder => Path.Combine(Customer.Home, "nodes");

    /// <summary>A folder for the test's own files (originals, downloads, backups); removed with the rest.</summary>
    public string WorkFolder => Directory.CreateDirectory(Path.Combine(Customer.Home, "work")).FullName;

    /// <summary>Every node as status reported it right after up: genesis, suppliers, customer.</summary>
    public IReadOnlyList<LocalnetNodeInfo> Nodes { get; private set; } = [];

    public LocalnetNodeInfo Genesis => Nodes.Single(n => n.Role == "genesis");

    /// <summary>The localnet's suppliers, and any spare a test added.</summary>
    public IReadOnlyList<LocalnetNodeInfo> Suppliers => Nodes.Where(n => n.Role == "supplier").Concat(_spares).ToList();

    /// <summary>What <c>localnet up</c> printed.</summary>
    public string UpOutput { get; private set; } = "";

    /// <summary>The CLI run on one node's home (its API, its config). The fixture owns the node: do not dispose this.</summary>
    public static BitDustCli CliOf(LocalnetNodeInfo node) => new(node.Home);

    /// <summary>A localnet of <paramref name="suppliers"/> suppliers whose customer is READY, with its settings made first.</summary>
    public static async Task<LocalnetFixture> StartAsync(int suppliers, params (string Key, string Value)[] customerSettings)
    {
        var net = new LocalnetFixture(suppliers, customerSettings);
        await net.InitializeAsync();
        return net;
    }

    public async Task InitializeAsync()
    {
        try
        {
            await Customer.RunOkAsync("set", "interface/api/rest-http-port", "0");
            await Customer.RunOkAsync("set", "services/entangled-dht/udp-port", "0");
            await Customer.RunOkAsync("set", "services/tcp-connections/tcp-port",
                BitDustCli.FreePort(ProtocolType.Tcp).ToString(CultureInfo.InvariantCulture));
            foreach (var (key, value) in customerSettings ?? [])
                await Customer.RunOkAsync("set", key, value);
            var clock = Stopwatch.StartNew();
            var (code, output, error) = await Customer.RunAsync(UpTimeout, "localnet", "up", "--suppliers",
                SupplierCount.ToString(CultureInfo.InvariantCulture));
            RememberPids();
            UpOutput = output;
            Assert.True(code == 0, $"bitdust localnet up exited {code} after {clock.Elapsed}:\n{output}{error}\n{LogTails()}");
            Nodes = ParseNodes(await StatusAsync());
            await WaitCustomerReadyAsync();
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
    public string LogTails(int lines = 10)
    {
        var text = new StringBuilder();
        foreach (var home in Homes())
            text.Append(LogTail(home, lines));
        return text.ToString();
    }

    /// <summary>The last <paramref name="lines"/> lines of one node's log, headed by its path.</summary>
    public static string LogTail(string home, int lines = 40)
    {
        var log = Path.Combine(home, "logs", "bitdust.log");
        if (!File.Exists(log))
            return $"--- {log}: none\n";
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"--- {log}");
        foreach (var line in File.ReadLines(log).TakeLast(lines))
            text.AppendLine(line.Length > 600 ? line[..600] + " ..." : line);
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
            foreach (var home in AddedHomes())
                await new BitDustCli(home).RunAsync(TeardownTimeout, "stop");
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
                await WaitGoneAsync(pid, TimeSpan.FromSeconds(10));
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

    /// <summary>Every home of this fixture: the customer's, the localnet's nodes', the added nodes'.</summary>
    private IEnumerable<string> Homes() =>
        (Directory.Exists(Folder) ? Directory.GetDirectories(Folder) : []).Prepend(Customer.Home).Concat(AddedHomes());

    private IEnumerable<string> AddedHomes() => Directory.Exists(NodesFolder) ? Directory.GetDirectories(NodesFolder) : [];

    /// <summary>Every pid a daemon of this localnet wrote, so none is left behind even when localnet.json is not.</summary>
    private void RememberPids()
    {
        foreach (var home in Homes())
        {
            if (PidIn(home) is { } pid)
                _pids.Add(pid);
        }
    }

    private static int? PidIn(string home)
    {
        var file = Path.Combine(home, "bitdust.pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    /// <summary>A live process whose BITDUST_HOME is under this fixture's home: never someone else's process that reused a pid.</summary>
    private bool IsOurs(int pid) => RunsUnder(pid, Customer.Home);

    /// <summary>A live process whose BITDUST_HOME is <paramref name="folder"/> or under it.</summary>
    public static bool RunsUnder(int pid, string folder)
    {
        try
        {
            var environment = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ").Split('\0');
            return environment.Any(v => v == $"BITDUST_HOME={folder}" ||
                v.StartsWith($"BITDUST_HOME={folder}{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
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

    /// <summary>Until the process is gone or a zombie (a killed daemon's parent is init, which reaps it when it gets to it).</summary>
    public static Task WaitGoneAsync(int pid, TimeSpan timeout)
    {
        var stat = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        return Eventually.UntilAsync(() =>
        {
            try
            {
                var text = File.ReadAllText(stat);
                return text[(text.LastIndexOf(')') + 2)..].StartsWith('Z');
            }
            catch (IOException)
            {
                return true;
            }
        }, timeout, TimeSpan.FromMilliseconds(50), () => $"pid {pid} still runs {timeout} after it was killed");
    }
}
