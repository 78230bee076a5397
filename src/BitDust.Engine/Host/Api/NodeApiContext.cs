using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Host.Services;
using BitDust.Engine.Identity;

namespace BitDust.Engine.Host.Api;

/// <summary>What the endpoints see of the running node.</summary>
public sealed record NodeApiContext(NodeHome Home, NodeConfig Config, ServiceRegistry Services, OwnerIdentity Owner, NetworkIdentityResolver Resolver,
    DateTimeOffset Started, Action RequestStop)
{
    public static string Version { get; } =
        typeof(NodeApiContext).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
