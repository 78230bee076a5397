namespace BitDust.Engine.Host.Configuration;

/// <summary>What a config value must look like; each kind has one parser and one error message.</summary>
public enum ConfigValueKind
{
    Boolean,
    Port,
    Size,
    Integer,
    Text,
    HostList,
    KnownNodes,
    IdentityServers,
    SupplierCount,
}
