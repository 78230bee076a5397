using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;

namespace BitDust.Engine.Host.Configuration;

/// <summary>The engine's options filled from the node's config keys: the engine below never reads config itself.</summary>
public static class EngineOptions
{
    /// <summary><see cref="CustomerOptions"/> from <c>services/backups/*</c>.</summary>
    public static CustomerOptions Customer(NodeConfig config) => new()
    {
        BlockSize = (int)config.GetSize("services/backups/block-size"),
        MaxCopies = (int)config.GetInteger("services/backups/max-copies"),
        DurableMargin = (int)config.GetInteger("services/backups/durable-margin"),
    };

    /// <summary><see cref="EmployerOptions"/> from <c>services/employer/*</c>.</summary>
    public static EmployerOptions Employer(NodeConfig config) => new()
    {
        PingInterval = TimeSpan.FromSeconds(config.GetInteger("services/employer/ping-interval")),
        AuditInterval = TimeSpan.FromSeconds(config.GetInteger("services/employer/audit-interval")),
        OfflineDeadline = TimeSpan.FromSeconds(config.GetInteger("services/employer/offline-deadline")),
        ReplaceOffline = config.GetBoolean("services/employer/replace-critically-offline-enabled"),
    };
}
