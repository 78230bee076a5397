using System.Collections.Frozen;

namespace BitDust.Engine.Host.Configuration;

/// <summary>
/// Every config key the node knows, named as in BitDust (bitdust/main/config_defaults.py) so BitDust's guides work as they are.
/// </summary>
public static class ConfigSchema
{
    public static IReadOnlyList<ConfigKey> Keys { get; } =
    [
        new(ConfigKeys.ApiRestHttpEnabled, ConfigValueKind.Boolean, "true", "serve the REST API on loopback"),
        new(ConfigKeys.ApiRestHttpPort, ConfigValueKind.Port, "8180", "REST API port on 127.0.0.1 (0 picks a free one)"),
        new(ConfigKeys.ApiAuthSecretEnabled, ConfigValueKind.Boolean, "true", "require the API token kept in the home"),
        new(ConfigKeys.LogsDebugLevel, ConfigValueKind.Integer, "0",
            "how much the node logs, applied at once: 0 information, warnings and errors; 1 to 9 also debug; 10 and more also trace " +
            "(BitDust's scale: higher says more)", Min: 0, Max: 20, Live: true),
        new(ConfigKeys.EntangledDhtEnabled, ConfigValueKind.Boolean, "true", "run a DHT node"),
        new(ConfigKeys.EntangledDhtUdpPort, ConfigValueKind.Port, "14441", "DHT UDP port (0 picks a free one)"),
        new(ConfigKeys.EntangledDhtKnownNodes, ConfigValueKind.KnownNodes, "", "\"genesis\" to start a network, or host:port,host:port to join one"),
        new(ConfigKeys.EntangledDhtItemLifetime, ConfigValueKind.Integer, "7200",
            "seconds a DHT item or announcement lives unless put again; every node of one network should agree (short only for tests)",
            Min: 10, Max: 7L * 86400),
        new(ConfigKeys.IdentityServerEnabled, ConfigValueKind.Boolean, "false", "serve identity documents to the network"),
        new(ConfigKeys.IdentityServerHost, ConfigValueKind.Text, "127.0.0.1", "host name or address this identity server is reached at"),
        new(ConfigKeys.IdentityServerWebPort, ConfigValueKind.Port, "8084", "identity server HTTP port"),
        new(ConfigKeys.IdentityServerTcpPort, ConfigValueKind.Port, "6661", "identity server TCP publication port"),
        new(ConfigKeys.IdentityPropagateEnabled, ConfigValueKind.Boolean, "true", "publish this node's identity to identity servers"),
        new(ConfigKeys.IdentityPropagateKnownServers, ConfigValueKind.IdentityServers, "", "identity servers to publish to: host:web-port:tcp-port,..."),
        new(ConfigKeys.TcpConnectionsEnabled, ConfigValueKind.Boolean, "true", "accept TLS connections from other nodes"),
        new(ConfigKeys.TcpConnectionsHost, ConfigValueKind.Text, "127.0.0.1", "host name or address other nodes reach this one at (unset: the address this machine reaches its known nodes from)"),
        new(ConfigKeys.TcpConnectionsTcpPort, ConfigValueKind.Port, "7771", "TCP port for TLS connections from other nodes"),
        new(ConfigKeys.SupplierEnabled, ConfigValueKind.Boolean, "false", "donate space to customers"),
        new(ConfigKeys.SupplierDonatedSpace, ConfigValueKind.Size, "8 GB", "space donated to customers", Min: 0),
        new(ConfigKeys.CustomerEnabled, ConfigValueKind.Boolean, "false", "rent space from suppliers"),
        new(ConfigKeys.CustomerNeededSpace, ConfigValueKind.Size, "4 GB", "space needed from the network", Min: 0),
        new(ConfigKeys.CustomerSuppliersNumber, ConfigValueKind.SupplierCount, "7", "suppliers to hire: 2, 4, 7, 13, 18, 26 or 64"),
        new(ConfigKeys.BackupsBlockSize, ConfigValueKind.Size, "4 MB", "size of the blocks files are cut into", Min: 4096, Max: 64L << 20),
        new(ConfigKeys.BackupsMaxCopies, ConfigValueKind.Integer, "2",
            "versions of a file kept; an older one goes only once the newer ones are complete (every fragment stored)", Min: 1, Max: 100),
        new(ConfigKeys.BackupsDurableMargin, ConfigValueKind.Integer, "-1",
            "parity fragments stored beyond the k needed before a file counts as durable (fsync, unmount and stub wait for it); " +
            "-1: half the parity, rounded up (6 of 7 fragments with 7 suppliers)", Min: -1, Max: 128),
        new(ConfigKeys.DriveEnabled, ConfigValueKind.Boolean, "true", "serve the drive (bitdust-mount) from this node"),
        new(ConfigKeys.DriveCacheSize, ConfigValueKind.Size, "10 GB", "local cache of the drive: written files wait here for upload, read blocks stay", Min: 1 << 20),
        new(ConfigKeys.StubsEnabled, ConfigValueKind.Boolean, "true", "keep a .f stub of every file of the catalog in the node home's stubs folder"),
        new(ConfigKeys.RebuildingEnabled, ConfigValueKind.Boolean, "true", "rebuild fragments of replaced suppliers"),
        new(ConfigKeys.EmployerEnabled, ConfigValueKind.Boolean, "true", "hire, monitor and replace suppliers"),
        new(ConfigKeys.EmployerReplaceCriticallyOfflineEnabled, ConfigValueKind.Boolean, "true", "replace suppliers offline past the deadline"),
        new(ConfigKeys.EmployerOfflineDeadline, ConfigValueKind.Integer, "600", "seconds a supplier may stay unreachable before it is replaced", Min: 1, Max: 30L * 86400),
        new(ConfigKeys.EmployerPingInterval, ConfigValueKind.Integer, "30", "seconds between pings of each supplier", Min: 1, Max: 86400),
        new(ConfigKeys.EmployerAuditInterval, ConfigValueKind.Integer, "300", "seconds between audits of random fragments on each supplier", Min: 1, Max: 30L * 86400),
        new(ConfigKeys.ProxyServerEnabled, ConfigValueKind.Boolean, "false", "relay traffic for nodes behind NAT"),
        new(ConfigKeys.ProxyServerRoutesLimit, ConfigValueKind.Integer, "20", "nodes this router relays for at most", Min: 0, Max: 10000),
        new(ConfigKeys.ProxyTransportEnabled, ConfigValueKind.Boolean, "true",
            "reach the network through a router when this node cannot be dialed (behind NAT); changes nothing when it can"),
        new(ConfigKeys.ProxyTransportPreferredRouters, ConfigValueKind.HostList, "", "routers to try first: host:port,..."),
        new(ConfigKeys.PrivateMessagesEnabled, ConfigValueKind.Boolean, "false", "exchange encrypted messages"),
        new(ConfigKeys.NodesLookupEnabled, ConfigValueKind.Boolean, "true", "look up other nodes through the DHT"),
    ];

    /// <summary>
    /// Switches that are never both on: a router (proxy-server) is never itself routed (proxy-transport), BitDust's rule.
    /// </summary>
    public static IReadOnlyList<(string First, string Second)> ExclusiveSwitches { get; } =
    [
        (ConfigKeys.ProxyServerEnabled, ConfigKeys.ProxyTransportEnabled),
    ];

    private static readonly FrozenDictionary<string, ConfigKey> ByName = Keys.ToFrozenDictionary(k => k.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out ConfigKey key) => ByName.TryGetValue(name, out key!);

    /// <summary>The key named <paramref name="name"/>, or a <see cref="ConfigException"/> that suggests close names.</summary>
    public static ConfigKey Get(string name)
    {
        if (TryGet(name, out var key))
            return key;
        var leaf = name.Split('/').Last();
        var similar = Keys.Where(k => k.Name.EndsWith(leaf, StringComparison.Ordinal) || k.Name.StartsWith(name, StringComparison.Ordinal))
            .Select(k => k.Name).Take(5).ToArray();
        var hint = similar.Length > 0 ? $" Did you mean: {string.Join(", ", similar)}?" : " `bitdust config` lists every key.";
        throw new ConfigException($"Unknown config key \"{name}\".{hint}");
    }
}
