using System.Text.Json.Nodes;
using BitDust.Integration.Tests.Storage;

namespace BitDust.Integration.Tests.Hosts;

/// <summary>
/// BitDust's "create your own network" guide (seed 003), part 1, typed on real hosts with our commands: host-a..host-d are
/// the core — DHT genesis on host-a and <c>known-nodes host-a:14441</c> on the others, identity servers on host-a and
/// host-b — each then with an identity (alice, bob, carl, dave) and donating space as a supplier. host-e..host-g are
/// customers' machines; home-1 and home-2 sit behind NAT, for the guide's router part. Every node uses BitDust's default
/// ports (each host has its own). Made once per test class; what the guide's checks answered on the way is kept for the test
/// that checks the core.
/// </summary>
public sealed class GuideNetwork : IAsyncLifetime
{
    public const int DhtPort = 14441;
    public const int IdentityWebPort = 8084;
    public const int IdentityTcpPort = 6661;
    public const string Passphrase = "correct horse battery staple";

    /// <summary>Per supplier; each customer here asks for 512 MB, so each supplier keeps 256 MB of it (2+2 over 4).</summary>
    public const string DonatedSpace = "1 GB";

    public const string NeededSpace = "512 MB";

    public static readonly IReadOnlyList<(string Host, string User)> Core =
        [("host-a", "alice"), ("host-b", "bob"), ("host-c", "carl"), ("host-d", "dave")];

    private static readonly string[] Machines = ["host-e", "host-f", "host-g", "host-h"];
    private static readonly string[] BehindNat = ["home-1", "home-2", "home-3"];

    /// <summary>The guide's routers, on two core servers: a node behind NAT can move to the other when one goes away.</summary>
    public static readonly IReadOnlyList<string> Routers = ["host-c", "host-d"];

    /// <summary>The supplier behind NAT (home-1): it donates more than any core supplier has left, so customers hire it first.</summary>
    public const string RoutedSupplier = "homer";

    private readonly SemaphoreSlim _routedGate = new(1, 1);
    private HostNode? _routed;

    /// <summary>The guide's first step on a core server: the consumer's services off.</summary>
    private static readonly (string Key, string Value)[] ConsumerServicesOff =
    [
        ("services/customer/enabled", "false"), ("services/supplier/enabled", "false"),
        ("services/proxy-transport/enabled", "false"), ("services/proxy-server/enabled", "false"),
        ("services/private-messages/enabled", "false"), ("services/nodes-lookup/enabled", "false"),
    ];

    private readonly Dictionary<string, JsonNode> _backups = new(StringComparer.Ordinal);

    public HostNetwork Network { get; private set; } = null!;

    public Host Genesis => Network["host-a"];

    public IReadOnlyList<Host> IdentityServers => [Network["host-a"], Network["host-b"]];

    public IEnumerable<(Host Host, string User)> CoreHosts => Core.Select(c => (Network[c.Host], c.User));

    /// <summary>services/entangled-dht/known-nodes of every node but the genesis one: host-a:14441.</summary>
    public string KnownNodes => $"{Genesis.Address}:{DhtPort}";

    /// <summary>services/identity-propagate/known-servers: host-a:8084:6661,host-b:8084:6661.</summary>
    public string KnownServers => string.Join(',', IdentityServers.Select(h => $"{h.Address}:{IdentityWebPort}:{IdentityTcpPort}"));

    /// <summary>What <c>curl localhost:8180/network/status/v1?dht=1</c> answered on host-a before any other node was started.</summary>
    public JsonNode GenesisAlone { get; private set; } = null!;

    /// <summary>What <c>POST /identity/backup/v1</c> answered for each core user.</summary>
    public IReadOnlyDictionary<string, JsonNode> Backups => _backups;

    public string BackupPath(string user) => Path.Combine(Network.WorkFolder, $"{user}_identity_backup_key.txt");

    public async Task InitializeAsync()
    {
        Network = await HostNetwork.StartAsync("bdguide", [.. Core.Select(c => c.Host), .. Machines], BehindNat);
        try
        {
            await StartDhtAsync();
            await StartIdentityServersAsync();
            await CreateIdentitiesAsync();
            await StartSuppliersAsync();
        }
        catch
        {
            await Network.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync() => await Network.DisposeAsync();

    /// <summary>"Distributed hash-table": the genesis node on host-a, then the other three pointed at it.</summary>
    private async Task StartDhtAsync()
    {
        await SetAsync(Genesis, [.. ConsumerServicesOff, ("services/entangled-dht/udp-port", $"{DhtPort}"),
            ("services/entangled-dht/known-nodes", "genesis")]);
        await Genesis.Node.RunOkAsync("daemon");
        GenesisAlone = await Genesis.CurlAsync("localhost:8180/network/status/v1?dht=1");
        await Task.WhenAll(CoreHosts.Skip(1).Select(async c =>
        {
            await SetAsync(c.Host, [.. ConsumerServicesOff, ("services/entangled-dht/udp-port", $"{DhtPort}"),
                ("services/entangled-dht/known-nodes", KnownNodes)]);
            await c.Host.Node.RunOkAsync("daemon");
        }));
        await Task.WhenAll(CoreHosts.Select(c => WaitDhtContactsAsync(c.Host, Core.Count - 1)));
    }

    /// <summary>"Identity server": on host-a and host-b, every core node told of both, then <c>bitdust restart</c>.</summary>
    private async Task StartIdentityServersAsync()
    {
        foreach (var server in IdentityServers)
        {
            await SetAsync(server, ("services/identity-server/enabled", "true"),
                ("services/identity-server/web-port", $"{IdentityWebPort}"), ("services/identity-server/tcp-port", $"{IdentityTcpPort}"),
                ("services/identity-server/host", server.Address));
        }
        await Task.WhenAll(CoreHosts.Select(async c =>
        {
            await SetAsync(c.Host, ("services/identity-propagate/known-servers", KnownServers));
            await c.Host.Node.RunOkAsync("restart");
        }));
    }

    /// <summary>
    /// "Create first users": alice through the REST call the guide shows, then <c>bitdust restart</c>; bob, carl and dave with
    /// <c>bitdust identity create</c>; a backup of each, as the guide urges, through <c>POST /identity/backup/v1</c>.
    /// </summary>
    private async Task CreateIdentitiesAsync()
    {
        var created = await Genesis.CurlAsync("""-X POST -d '{"username": "alice"}' localhost:8180/identity/create/v1""");
        Assert.True(LocalnetFixture.Result(created)["name"]!.GetValue<string>() == "alice", created.ToJsonString());
        await Genesis.Node.RunOkAsync("restart");
        await Task.WhenAll(CoreHosts.Skip(1).Select(c => c.Host.Node.RunOkAsync("identity", "create", c.User)));
        foreach (var (host, user) in CoreHosts)
        {
            _backups[user] = await host.CurlAsync(
                $$"""-X POST -d '{"destination_path": "{{BackupPath(user)}}", "passphrase": "{{Passphrase}}"}' localhost:8180/identity/backup/v1""");
        }
    }

    /// <summary>"Become a supplier": on every core node, then <c>bitdust restart</c> (our node applies config at start).</summary>
    private Task StartSuppliersAsync() => Task.WhenAll(CoreHosts.Select(async c =>
    {
        await SetAsync(c.Host, ("services/supplier/enabled", "true"), ("services/supplier/donated-space", DonatedSpace));
        await c.Host.Node.RunOkAsync("restart");
        await LocalnetFixture.PollAsync(async () => (await c.Host.Node.ApiAsync(HttpMethod.Get, "/space/donated/v1"))["status"]
            ?.GetValue<string>() == "OK" ? "supplying" : null, TimeSpan.FromSeconds(60),
            () => $"{c.User} on {c.Host} does not supply\n{LocalnetFixture.LogTail(c.Host.Node.Home)}");
    }));

    /// <summary>
    /// A customer on <paramref name="host"/> as a user of this network sets one up: pointed at the DHT and the identity
    /// servers, the customer service on with 4 suppliers; its daemon started and <paramref name="user"/> made (unless it is to
    /// be recovered from a backup). Returns once the node answers; <see cref="LocalnetFixture.WaitReadyAsync"/> waits for its family.
    /// </summary>
    public async Task<HostNode> StartCustomerAsync(Host host, string? user)
    {
        await SetAsync(host, ("services/entangled-dht/known-nodes", KnownNodes), ("services/identity-propagate/known-servers", KnownServers),
            ("services/customer/enabled", "true"), ("services/customer/suppliers-number", "4"),
            ("services/customer/needed-space", NeededSpace));
        await host.Node.RunOkAsync("daemon");
        if (user is not null)
            await host.Node.RunOkAsync("identity", "create", user);
        return host.Node;
    }

    /// <summary>
    /// The guide's router ("proxy-server"): <c>proxy-transport</c> off, <c>proxy-server</c> on, on a node of this network,
    /// restarted. For the router part of the walk-through, once the relay exists.
    /// </summary>
    public async Task StartRouterAsync(Host host)
    {
        await SetAsync(host, ("services/proxy-transport/enabled", "false"), ("services/proxy-server/enabled", "true"));
        await host.Node.RunOkAsync("restart");
    }

    /// <summary>
    /// A node behind NAT as BitDust configures an end user: <c>proxy-transport</c> on (it reaches the network through a
    /// router), <c>proxy-server</c> off, pointed at this network; started, with the identity <paramref name="user"/>.
    /// </summary>
    public async Task<HostNode> StartNatNodeAsync(Host host, string user)
    {
        Assert.True(host.BehindNat, $"{host} is not behind NAT");
        await SetAsync(host, ("services/entangled-dht/known-nodes", KnownNodes), ("services/identity-propagate/known-servers", KnownServers),
            ("services/proxy-transport/enabled", "true"), ("services/proxy-server/enabled", "false"));
        await host.Node.RunOkAsync("daemon");
        await host.Node.RunOkAsync("identity", "create", user);
        return host.Node;
    }

    /// <summary>
    /// The guide's router part, made once for the tests that need it: routers on <see cref="Routers"/>, and on home-1 (behind
    /// NAT) the supplier <see cref="RoutedSupplier"/>, which reaches the network through one of them. Returns once it is
    /// routed (its identity names its router).
    /// </summary>
    public async Task<HostNode> RoutedSupplierAsync()
    {
        await _routedGate.WaitAsync();
        try
        {
            if (_routed is not null)
                return _routed;
            foreach (var router in Routers)
                await StartRouterAsync(Network[router]);
            var home = Network["home-1"];
            await SetAsync(home, ("services/supplier/enabled", "true"), ("services/supplier/donated-space", "4 GB"));
            var homer = await StartNatNodeAsync(home, RoutedSupplier);
            await homer.RunOkAsync("restart");
            await WaitRoutedAsync(homer);
            return _routed = homer;
        }
        finally
        {
            _routedGate.Release();
        }
    }

    /// <summary>Until <paramref name="node"/> reaches the network through a router: the router's host.</summary>
    public async Task<Host> WaitRoutedAsync(HostNode node, Host? notThrough = null)
    {
        var last = "";
        var address = await LocalnetFixture.PollAsync(async () =>
        {
            var transport = LocalnetFixture.Result(await node.ApiAsync(HttpMethod.Get, "/network/status/v1"))["proxy_transport"];
            last = transport?.ToJsonString() ?? "no proxy_transport";
            return transport?["state"]?.GetValue<string>() == "CONNECTED" && transport["router_address"]?.GetValue<string>() is { } at &&
                (notThrough is null || !at.StartsWith(notThrough.Address + ":", StringComparison.Ordinal)) ? at : null;
        }, TimeSpan.FromSeconds(120), () => $"{node.Host} is not routed{(notThrough is null ? "" : $" past {notThrough}")}: {last}\n" +
            LocalnetFixture.LogTail(node.Home));
        return Routers.Select(r => Network[r]).Single(r => address.StartsWith(r.Address + ":", StringComparison.Ordinal));
    }

    /// <summary>
    /// A customer behind NAT (<see cref="StartNatNodeAsync"/>, then the customer's settings of <see cref="StartCustomerAsync"/>),
    /// restarted with them; <paramref name="user"/> made unless it is to be recovered from a backup.
    /// </summary>
    public async Task<HostNode> StartNatCustomerAsync(Host host, string? user)
    {
        Assert.True(host.BehindNat, $"{host} is not behind NAT");
        await SetAsync(host, ("services/proxy-transport/enabled", "true"), ("services/proxy-server/enabled", "false"));
        return await StartCustomerAsync(host, user);
    }

    /// <summary>
    /// The customer <paramref name="customer"/> moves to <paramref name="machine"/> as its owner would to a new computer: an
    /// identity backup (kept in <paramref name="work"/>), the old node stopped, and on the new machine only the network's
    /// settings and the backup recovered into a fresh home. Returns the new node once its customer is READY.
    /// </summary>
    public async Task<HostNode> MoveCustomerAsync(HostNode customer, Host machine, string work)
    {
        var backup = Path.Combine(work, "identity.backup");
        var passphrase = Path.Combine(work, "passphrase");
        await File.WriteAllTextAsync(passphrase, Passphrase);
        await customer.RunOkAsync("identity", "backup", backup, "--passphrase-file", passphrase);
        await customer.RunOkAsync("stop");
        var again = machine.BehindNat ? await StartNatCustomerAsync(machine, user: null) : await StartCustomerAsync(machine, user: null);
        await again.RunOkAsync("identity", "recover", backup, "--passphrase-file", passphrase);
        try
        {
            await LocalnetFixture.WaitReadyAsync(again);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n--- the machine it moved from: {customer.Home}\n" +
                LocalnetFixture.LogTail(customer.Home, 80), e);
        }
        return again;
    }

    /// <summary>Until <paramref name="host"/>'s DHT node has at least <paramref name="contacts"/> contacts.</summary>
    public static Task WaitDhtContactsAsync(Host host, int contacts)
    {
        var last = -1;
        return LocalnetFixture.PollAsync(async () =>
        {
            last = LocalnetFixture.Result(await host.Node.ApiAsync(HttpMethod.Get, "/network/status/v1?dht=1"))["dht"]!["contacts"]!.GetValue<int>();
            return last >= contacts ? "joined" : null;
        }, TimeSpan.FromSeconds(60), () => $"{host} has {last} DHT contacts, not {contacts}\n{LocalnetFixture.LogTail(host.Node.Home)}");
    }

    /// <summary><c>bitdust set KEY VALUE</c> on <paramref name="host"/>, one after the other.</summary>
    public static async Task SetAsync(Host host, params (string Key, string Value)[] settings)
    {
        foreach (var (key, value) in settings)
            await host.Node.RunOkAsync("set", key, value);
    }

    /// <summary>
    /// The supplier whose identity URL (.../alice.xml) <paramref name="idurl"/> is, and its host: a core user, or
    /// <see cref="RoutedSupplier"/> on home-1 once the router part has started it.
    /// </summary>
    public (Host Host, string User) SupplierOf(string idurl)
    {
        var (host, user) = Core.Append((Host: "home-1", User: RoutedSupplier)).Single(c => idurl.EndsWith($"/{c.User}.xml", StringComparison.Ordinal));
        return (Network[host], user);
    }
}
