namespace BitDust.Engine.Host.Configuration;

/// <summary>
/// The config keys, as BitDust names them, for code to name a key by: a misspelt one does not compile. <see cref="ConfigSchema"/>
/// describes each (kind, default, bounds, what it is for); a test keeps the two lists the same.
/// </summary>
public static class ConfigKeys
{
    public const string ApiRestHttpEnabled = "interface/api/rest-http-enabled";

    public const string ApiRestHttpPort = "interface/api/rest-http-port";

    public const string ApiAuthSecretEnabled = "interface/api/auth-secret-enabled";

    public const string LogsDebugLevel = "logs/debug-level";

    public const string EntangledDhtEnabled = "services/entangled-dht/enabled";

    public const string EntangledDhtUdpPort = "services/entangled-dht/udp-port";

    public const string EntangledDhtKnownNodes = "services/entangled-dht/known-nodes";

    public const string EntangledDhtItemLifetime = "services/entangled-dht/item-lifetime";

    public const string IdentityServerEnabled = "services/identity-server/enabled";

    public const string IdentityServerHost = "services/identity-server/host";

    public const string IdentityServerWebPort = "services/identity-server/web-port";

    public const string IdentityServerTcpPort = "services/identity-server/tcp-port";

    public const string IdentityPropagateEnabled = "services/identity-propagate/enabled";

    public const string IdentityPropagateKnownServers = "services/identity-propagate/known-servers";

    public const string TcpConnectionsEnabled = "services/tcp-connections/enabled";

    public const string TcpConnectionsHost = "services/tcp-connections/host";

    public const string TcpConnectionsTcpPort = "services/tcp-connections/tcp-port";

    public const string SupplierEnabled = "services/supplier/enabled";

    public const string SupplierDonatedSpace = "services/supplier/donated-space";

    public const string CustomerEnabled = "services/customer/enabled";

    public const string CustomerNeededSpace = "services/customer/needed-space";

    public const string CustomerSuppliersNumber = "services/customer/suppliers-number";

    public const string BackupsBlockSize = "services/backups/block-size";

    public const string BackupsMaxCopies = "services/backups/max-copies";

    public const string BackupsDurableMargin = "services/backups/durable-margin";

    public const string DriveEnabled = "services/drive/enabled";

    public const string DriveCacheSize = "services/drive/cache-size";

    public const string StubsEnabled = "services/stubs/enabled";

    public const string RebuildingEnabled = "services/rebuilding/enabled";

    public const string EmployerEnabled = "services/employer/enabled";

    public const string EmployerReplaceCriticallyOfflineEnabled = "services/employer/replace-critically-offline-enabled";

    public const string EmployerOfflineDeadline = "services/employer/offline-deadline";

    public const string EmployerPingInterval = "services/employer/ping-interval";

    public const string EmployerAuditInterval = "services/employer/audit-interval";

    public const string ProxyServerEnabled = "services/proxy-server/enabled";

    public const string ProxyServerRoutesLimit = "services/proxy-server/routes-limit";

    public const string ProxyTransportEnabled = "services/proxy-transport/enabled";

    public const string ProxyTransportPreferredRouters = "services/proxy-transport/preferred-routers";

    public const string PrivateMessagesEnabled = "services/private-messages/enabled";

    public const string NodesLookupEnabled = "services/nodes-lookup/enabled";
}
