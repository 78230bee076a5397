using BitDust.Engine.Configuration;
using BitDust.Engine.Services;
using Microsoft.Extensions.Logging;

namespace BitDust.Mount.Daemon;

/// <summary>The services a node can run; the registry starts those switched on in config.</summary>
internal static class NodeServices
{
    public static IReadOnlyList<INetworkService> Create(NodeHome home, NodeConfig config, ILoggerFactory loggerFactory)
    {
        _ = home;
        _ = config;
        _ = loggerFactory;
        return [];
    }
}
