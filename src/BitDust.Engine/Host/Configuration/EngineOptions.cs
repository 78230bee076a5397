using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;

namespace BitDust.Engine.Host.Configuration;

/// <summary>The engine's options filled from the node's config keys: the engine below never reads config itself.</summary>
public static class EngineOptions
{
    /// <summary><see cref="CustomerOptions"/> from <c>services/backups/*</c>.</summary>
    public static CustomerOptions Customer(NodeConfig config) => new()
    {
        BlockSize = (int)config.GetSize(ConfigKeys.BackupsBlockSize),
        MaxCopies = (int)config.GetInteger(ConfigKeys.BackupsMaxCopies),
        DurableMargin = (int)config.GetInteger(ConfigKeys.BackupsDurableMargin),
    };

    /// <summary><see cref="EmployerOptions"/> from <c>services/employer/*</c>.</summary>
    public static EmployerOptions Employer(NodeConfig config) => new()
    {
        PingInterval = TimeSpan.FromSeconds(config.GetInteger(ConfigKeys.EmployerPingInterval)),
        AuditInterval = TimeSpan.FromSeconds(config.GetInteger(ConfigKeys.EmployerAuditInterval)),
        OfflineDeadline = TimeSpan.FromSeconds(config.GetInteger(ConfigKeys.EmployerOfflineDeadline)),
        ReplaceOffline = config.GetBoolean(ConfigKeys.EmployerReplaceCriticallyOfflineEnabled),
    };
}
