using System.Diagnostics;
using System.Text.Json.Nodes;
using BitDust.Engine.Host.Configuration;
using BitDust.Mount.Cli;
using BitDust.Mount.Daemon;

namespace BitDust.Mount.Localnet;

internal sealed partial class LocalNetwork
{
    /// <summary>
    /// Brings the localnet up: plans and configures it the first time, (re)starts every node that is not running, creates the
    /// identities that are missing, waits until each node is ready, and makes this node their customer. WasUp when everything
    /// already ran as recorded, in which case nothing is touched.
    /// </summary>
    public async Task<(LocalnetState State, bool WasUp)> UpAsync(int? suppliers, string? donated, CancellationToken cancellationToken)
    {
        var existing = LocalnetState.Read(Folder);
        if (existing is not null)
        {
            if (suppliers is { } wanted && wanted != existing.Suppliers)
            {
                throw new LocalnetException($"the localnet in {Folder} has {existing.Suppliers} suppliers; to make one with {wanted}, " +
                    "first: bitdust localnet down --purge", isUsage: true);
            }
            if (donated is not null && donated != existing.Donated)
            {
                throw new LocalnetException($"the suppliers of the localnet in {Folder} donate {existing.Donated} each; to change it, " +
                    "first: bitdust localnet down --purge", isUsage: true);
            }
            if (IsUp(existing))
                return (existing, true);
            report($"Bringing the localnet in {Folder} back up: genesis + {existing.Suppliers} suppliers");
        }
        var state = existing ??
            await PlanAsync(suppliers ?? DefaultSuppliers, donated ?? DefaultDonated, cancellationToken).ConfigureAwait(false);

        state = state.With(await BringUpAsync(state.Genesis, cancellationToken).ConfigureAwait(false));
        var supplierNodes = state.Nodes.Where(n => n.Role == LocalnetRole.Supplier).ToList();
        var started = new LocalnetNode[supplierNodes.Count];
        // Daemons start mostly on the CPU (runtime, JIT, keys): a few at a time keeps each start inside its timeout.
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancellationToken,
        };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, supplierNodes.Count), parallel, async (i, token) =>
                started[i] = await BringUpAsync(supplierNodes[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        finally
        {
            state = started.OfType<LocalnetNode>().Aggregate(state, (s, node) => s.With(node));
            await state.WriteAsync(CancellationToken.None).ConfigureAwait(false);
        }

        state = state.WithCustomer(await BringUpCustomerAsync(state, cancellationToken).ConfigureAwait(false));
        await state.WriteAsync(cancellationToken).ConfigureAwait(false);
        return (state, false);
    }

    /// <summary>Every node runs, and this node is the recorded customer with the localnet's settings.</summary>
    private bool IsUp(LocalnetState state) =>
        state.Customer?.Home == CustomerHome.Root && state.Nodes.All(n => PidFile.ReadLivePid(n.NodeHome) is not null) &&
        CustomerChanges(state).Count == 0;

    /// <summary>Picks names, homes and free ports, writes each node's config and <c>localnet.json</c>; starts nothing.</summary>
    private async Task<LocalnetState> PlanAsync(int suppliers, string donated, CancellationToken cancellationToken)
    {
        if (Directory.Exists(Folder) && Directory.EnumerateFileSystemEntries(Folder).Any())
            throw new LocalnetException($"{Folder} is not empty and holds no {LocalnetState.FileName}; remove it or use another --folder.");
        Directory.CreateDirectory(Folder);
        report($"Starting a localnet in {Folder}: genesis + {suppliers} suppliers, {donated} donated each");
        LocalnetNode genesis;
        List<LocalnetNode> supplierNodes;
        using (var ports = new FreePorts())
        {
            genesis = new LocalnetNode(LocalnetRole.Genesis, $"genesis-{Suffix()}", Path.Combine(Folder, "genesis"), null,
                new LocalnetPorts(ports.Tcp(), ports.Udp(), ports.Tcp(), ports.Tcp(), ports.Tcp()));
            supplierNodes = Enumerable.Range(1, suppliers)
                .Select(i => new LocalnetNode(LocalnetRole.Supplier, $"supplier-{Text(i)}-{Suffix()}",
                    Path.Combine(Folder, $"supplier-{Text(i)}"), null, new LocalnetPorts(ports.Tcp(), ports.Udp(), ports.Tcp())))
                .ToList();
        }
        var shared = SharedSettings(NodeConfig.Load(CustomerHome)).ToList();
        foreach (var node in supplierNodes.Prepend(genesis))
        {
            node.NodeHome.Create();
            var config = NodeConfig.Load(node.NodeHome);
            foreach (var (key, value) in Settings(node, genesis, donated).Concat(shared))
                await config.SetAsync(key, value, cancellationToken).ConfigureAwait(false);
        }
        var state = new LocalnetState(LocalnetState.CurrentVersion, Folder, suppliers, donated, DateTimeOffset.UtcNow,
            [genesis, .. supplierNodes]);
        await state.WriteAsync(cancellationToken).ConfigureAwait(false);
        return state;
    }

    private static IEnumerable<(string Key, string Value)> Settings(LocalnetNode node, LocalnetNode genesis, string donated)
    {
        yield return (ConfigKeys.ApiRestHttpPort, Text(node.Ports.Api));
        yield return (ConfigKeys.EntangledDhtUdpPort, Text(node.Ports.Dht));
        yield return (ConfigKeys.EntangledDhtKnownNodes, node.Role == LocalnetRole.Genesis ? "genesis" : KnownNodes(genesis));
        yield return (ConfigKeys.TcpConnectionsHost, Loopback);
        yield return (ConfigKeys.TcpConnectionsTcpPort, Text(node.Ports.Tcp));
        yield return (ConfigKeys.IdentityPropagateKnownServers, KnownServers(genesis));
        if (node.Role == LocalnetRole.Genesis)
        {
            yield return (ConfigKeys.IdentityServerEnabled, "true");
            yield return (ConfigKeys.IdentityServerHost, Loopback);
            yield return (ConfigKeys.IdentityServerWebPort, Text(node.Ports.IdentityWeb ?? 0));
            yield return (ConfigKeys.IdentityServerTcpPort, Text(node.Ports.IdentityTcp ?? 0));
        }
        else
        {
            yield return (ConfigKeys.SupplierEnabled, "true");
            yield return (ConfigKeys.SupplierDonatedSpace, donated);
        }
    }

    /// <summary>Settings of this node that every node of its localnet takes too: what the DHT's nodes must agree on.</summary>
    private static IEnumerable<(string Key, string Value)> SharedSettings(NodeConfig customer)
    {
        const string lifetime = ConfigKeys.EntangledDhtItemLifetime;
        if (customer.IsSet(lifetime))
            yield return (lifetime, customer.Get(lifetime));
    }

    /// <summary>The customer's settings that differ from what the localnet needs.</summary>
    private List<(string Key, string Value)> CustomerChanges(LocalnetState state)
    {
        var genesis = state.Genesis;
        (string Key, string Value)[] wanted =
        [
            (ConfigKeys.EntangledDhtKnownNodes, KnownNodes(genesis)),
            (ConfigKeys.IdentityPropagateKnownServers, KnownServers(genesis)),
            (ConfigKeys.CustomerEnabled, "true"),
            (ConfigKeys.CustomerSuppliersNumber, Text(state.Suppliers)),
        ];
        var config = NodeConfig.Load(CustomerHome);
        return wanted.Where(s => config.Get(s.Key) != ConfigValues.Normalize(ConfigSchema.Get(s.Key), s.Value)).ToList();
    }

    /// <summary>Points the node in BITDUST_HOME at the localnet (stopping it first if it runs), then brings it up as customer.</summary>
    private async Task<LocalnetNode> BringUpCustomerAsync(LocalnetState state, CancellationToken cancellationToken)
    {
        CustomerHome.Create();
        var changes = CustomerChanges(state);
        if (changes.Count > 0)
        {
            if (PidFile.ReadLivePid(CustomerHome) is { } running)
            {
                report($"  stopping this node (pid {running}) to point it at the localnet");
                var (_, stopped) = await DaemonLauncher.StopAsync(CustomerHome, DaemonLauncher.StopTimeout, cancellationToken)
                    .ConfigureAwait(false);
                if (!stopped)
                    throw new LocalnetException($"this node (pid {running}) did not stop; see {CustomerHome.LogFile}");
            }
            var config = NodeConfig.Load(CustomerHome);
            foreach (var (key, value) in changes)
                await config.SetAsync(key, value, cancellationToken).ConfigureAwait(false);
            report($"  this node ({CustomerHome.Root}) is their customer now: " +
                string.Join(", ", changes.Select(c => $"{c.Key} = {c.Value}")));
        }
        var customer = state.Customer is { } known && known.Home == CustomerHome.Root
            ? known
            : new LocalnetNode(LocalnetRole.Customer, $"customer-{Suffix()}", CustomerHome.Root, null, new LocalnetPorts(0, 0, 0));
        return await BringUpAsync(customer, cancellationToken, KnownServers(state.Genesis)).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the node unless it runs, gives it an identity unless it has one, waits until it is ready. An identity that is not
    /// on <paramref name="requiredServer"/> (the localnet's identity server) cannot be found by the suppliers: an error.
    /// </summary>
    private async Task<LocalnetNode> BringUpAsync(LocalnetNode node, CancellationToken cancellationToken, string? requiredServer = null)
    {
        var clock = Stopwatch.StartNew();
        var home = node.NodeHome;
        var pid = PidFile.ReadLivePid(home) ??
            await DaemonLauncher.StartAsync(home, DaemonLauncher.StartTimeout, cancellationToken).ConfigureAwait(false);
        if (pid is null)
        {
            var log = string.Join(Environment.NewLine, DaemonLauncher.LogTail(home).Select(line => "  " + line));
            throw new LocalnetException($"{node.Name} did not come up within {DaemonLauncher.StartTimeout.TotalSeconds:0} s. " +
                $"The end of its log ({home.LogFile}):{Environment.NewLine}{log}");
        }
        using var client = new ApiClient(home);
        var identity = await EnsureIdentityAsync(client, node, cancellationToken).ConfigureAwait(false);
        var servers = (identity["identity_servers"] as JsonArray ?? []).Select(Units.Text).ToList();
        if (requiredServer is not null && !servers.Contains(requiredServer))
        {
            throw new LocalnetException($"the identity {Units.Text(identity["name"])} of {home.Root} is published on " +
                $"{string.Join(", ", servers)}, not on the localnet's identity server {requiredServer}, so its suppliers cannot find it. " +
                "Use a fresh BITDUST_HOME as the localnet's customer.");
        }
        await NodeReadiness.WaitAsync(client, node, DaemonLauncher.StartTimeout, cancellationToken).ConfigureAwait(false);
        var ready = node with { Name = Units.Text(identity["name"]), Pid = pid };
        if (node.Role == LocalnetRole.Customer)
            ready = ready with { Ports = await ActualPortsAsync(client, cancellationToken).ConfigureAwait(false) };
        report($"  {ready.Role.ToString().ToLowerInvariant(),-8} {ready.Name,-20} ready in {Units.Seconds(clock.Elapsed)}, " +
            $"pid {pid}: {ready.Ports}");
        return ready;
    }

    /// <summary>The node's identity, created with the node's planned name when it has none yet.</summary>
    private static async Task<JsonNode> EnsureIdentityAsync(ApiClient client, LocalnetNode node, CancellationToken cancellationToken)
    {
        var (has, current) = await client.SendAsync(HttpMethod.Get, "/identity/get/v1", null, cancellationToken).ConfigureAwait(false);
        if (has && current?["result"] is { } existing)
            return existing;
        var body = new JsonObject { ["username"] = node.Name }.ToJsonString();
        var (created, answer) = await client.SendAsync(HttpMethod.Post, "/identity/create/v1", body, cancellationToken)
            .ConfigureAwait(false);
        if (!created || answer?["result"] is not { } identity)
        {
            throw new LocalnetException($"{node.Name} could not create its identity: {Units.Text(answer?["errors"])}; " +
                $"see {node.NodeHome.LogFile}");
        }
        return identity;
    }

    /// <summary>The ports a node really listens on (the customer's config may say 0: pick one).</summary>
    private static async Task<LocalnetPorts> ActualPortsAsync(ApiClient client, CancellationToken cancellationToken)
    {
        var (_, answer) = await client.SendAsync(HttpMethod.Get, "/network/status/v1?dht=1", null, cancellationToken).ConfigureAwait(false);
        var status = answer?["result"];
        return new LocalnetPorts(client.BaseAddress?.Port ?? 0, (int)Units.Long(status?["dht"]?["port"]),
            (int)Units.Long(status?["tcp"]?["port"]));
    }
}
