using BitDust.Engine.Configuration;
using BitDust.Engine.Network.Identity;
using BitDust.Engine.Services;

namespace BitDust.Engine.Api;

/// <summary>What the endpoints see of the running node.</summary>
public sealed record NodeApiContext(NodeHome Home, NodeConfig Config, ServiceRegistry Services, OwnerIdentity Owner, NetworkIdentityResolver Resolver,
    DateTimeOffset Started, Action RequestStop)
{
    public static string Version { get; } =
        typeof(NodeApiContext).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
