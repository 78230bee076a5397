using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace BitDust.Integration.Tests.Storage;

/// <summary>The nodes' lives: kill -9, restart, find a supplier's data, add a spare supplier or another customer.</summary>
public partial class LocalnetFixture
{
    private readonly List<LocalnetNodeInfo> _spares = [];

    /// <summary>Where a supplier keeps its customers' fragments (<c>DATA/supplier</c>: fragments/CUSTOMER/*.frag and index.db).</summary>
    public static string SupplierDataFolder(LocalnetNodeInfo supplier) => Path.Combine(supplier.Home, "data", "supplier");

    /// <summary>The supplier an identity URL of <c>supplier list</c> names (".../supplier-3-k2x9.xml").</summary>
    public LocalnetNodeInfo SupplierNamed(string idurl) =>
        Suppliers.SingleOrDefault(s => idurl.EndsWith($"/{s.Name}.xml", StringComparison.Ordinal))
        ?? throw new InvalidOperationException($"{idurl} is none of this localnet's suppliers: " +
            string.Join(", ", Suppliers.Select(s => s.Name)));

    /// <summary>kill -9 of the node's daemon, by the pid in its home; returns once it is gone.</summary>
    public async Task KillAsync(string home)
    {
        RememberPids();
        var pid = PidIn(home) ?? throw new InvalidOperationException($"no pid file in {home}");
        Assert.True(IsOurs(pid), $"pid {pid} of {home} is not a daemon of this localnet (not running any more?)");
        using (var process = Process.GetProcessById(pid))
            process.Kill();
        await WaitGoneAsync(pid, TimeSpan.FromSeconds(10));
    }

    public Task KillAsync(LocalnetNodeInfo node) => KillAsync(node.Home);

    /// <summary>Starts the node's daemon again (<c>bitdust daemon</c> in its home), as a user would after a crash.</summary>
    public async Task RestartAsync(string home)
    {
        var (code, output, error) = await new BitDustCli(home).RunAsync("daemon");
        RememberPids();
        Assert.True(code == 0, $"bitdust daemon in {home} exited {code}: {output}{error}\n{LogTail(home)}");
    }

    /// <summary>
    /// Another supplier beside the localnet's, configured as <c>localnet up</c> configures its own, with an identity on the
    /// localnet's identity server; returns once its supplier service is ON and announced through the DHT.
    /// </summary>
    public async Task<LocalnetNodeInfo> AddSupplierAsync()
    {
        var name = $"spare-{_spares.Count + 1}-{RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 4)}";
        var donated = (await CliOf(Suppliers[0]).RunOkAsync("get", "services/supplier/donated-space")).Trim();
        var node = await AddNodeAsync(name, [("services/supplier/enabled", "true"), ("services/supplier/donated-space", donated)]);
        await PollAsync(async () =>
        {
            var services = (await node.ApiAsync(HttpMethod.Get, "/service/list/v1"))["result"]!.AsArray();
            bool Is(string name, string field, string value) =>
                services.Any(s => s!["name"]!.GetValue<string>() == name && s[field]!.GetValue<string>() == value);
            return Is("service_supplier", "state", "ON") && Is("service_entangled_dht", "network_state", "READY") ? "serving" : null;
        }, TimeSpan.FromSeconds(60), () => $"the spare supplier {name} is not serving\n{LogTail(node.Home)}");
        var info = new LocalnetNodeInfo("supplier", name, node.Home, node.DaemonPid() ?? 0, Alive: true, []);
        _spares.Add(info);
        return info;
    }

    /// <summary>Another customer of this localnet, in its own home, with its own identity; returns once it is READY.</summary>
    public async Task<BitDustCli> AddCustomerAsync(string name)
    {
        var customer = await AddNodeAsync(name, [("services/customer/enabled", "true"),
            ("services/customer/suppliers-number", SupplierCount.ToString(CultureInfo.InvariantCulture))]);
        await WaitCustomerReadyAsync(customer);
        return customer;
    }

    /// <summary>
    /// The file <see cref="MoveCustomerAsync"/> uploads last, so that the catalog backup it waits for holds every change.
    /// </summary>
    public const string MoveMarker = "moved.txt";

    /// <summary>
    /// The customer moves to a new machine as its owner would: once a catalog backup holds every change made so far (one more,
    /// the upload of <see cref="MoveMarker"/>, makes sure of it), an identity backup, the node stopped, and a fresh home named
    /// <paramref name="name"/> that knows only the network recovers it. Returns the new node once its customer is READY; its
    /// drive cache is empty.
    /// </summary>
    public async Task<BitDustCli> MoveCustomerAsync(string name)
    {
        var marker = Path.Combine(WorkFolder, MoveMarker);
        await File.WriteAllTextAsync(marker, "the last change before the move\n");
        await FileOkAsync("upload", marker, MoveMarker);
        await WaitCatalogBackedUpAsync();
        var backup = Path.Combine(WorkFolder, $"{name}.backup");
        var passphrase = Path.Combine(WorkFolder, "passphrase");
        await File.WriteAllTextAsync(passphrase, "correct horse battery staple");
        await Customer.RunOkAsync("identity", "backup", backup, "--passphrase-file", passphrase);
        await Customer.RunOkAsync("stop");
        var fresh = await AddNodeAsync(name, [("services/customer/enabled", "true"),
            ("services/customer/suppliers-number", SupplierCount.ToString(CultureInfo.InvariantCulture))], createIdentity: false);
        await fresh.RunOkAsync("identity", "recover", backup, "--passphrase-file", passphrase);
        await WaitCustomerReadyAsync(fresh);
        return fresh;
    }

    /// <summary>
    /// A fresh home under <see cref="NodesFolder"/> pointed at the localnet (DHT, identity server, free ports) with
    /// <paramref name="settings"/>, named <paramref name="identity"/>, its daemon started and (unless told not to) that identity made.
    /// </summary>
    public async Task<BitDustCli> AddNodeAsync(string identity, IEnumerable<(string Key, string Value)> settings,
        bool createIdentity = true)
    {
        var node = new BitDustCli(Directory.CreateDirectory(Path.Combine(NodesFolder, identity)).FullName);
        (string, string)[] network =
        [
            ("interface/api/rest-http-port", "0"),
            ("services/entangled-dht/udp-port", "0"),
            ("services/tcp-connections/tcp-port", BitDustCli.FreePort(ProtocolType.Tcp).ToString(CultureInfo.InvariantCulture)),
            ("services/entangled-dht/known-nodes", (await Customer.RunOkAsync("get", "services/entangled-dht/known-nodes")).Trim()),
            ("services/identity-propagate/known-servers",
                (await Customer.RunOkAsync("get", "services/identity-propagate/known-servers")).Trim()),
        ];
        foreach (var (key, value) in network.Concat(settings))
            await node.RunOkAsync("set", key, value);
        await RestartAsync(node.Home);
        if (createIdentity)
            await node.RunOkAsync("identity", "create", identity);
        return node;
    }
}
