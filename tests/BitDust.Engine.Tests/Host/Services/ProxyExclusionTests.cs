using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Host.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Tests.Host.Services;

/// <summary>BitDust's rule: proxy-server (a router) and proxy-transport (a routed node) never run on one node.</summary>
public sealed class ProxyExclusionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bitdust-proxy-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Switching_on_proxy_server_while_proxy_transport_is_on_is_refused_with_the_command_that_comes_first()
    {
        var config = NodeConfig.Load(new NodeHome(_folder));
        Assert.True(config.GetBoolean("services/proxy-transport/enabled"));
        Assert.False(config.GetBoolean("services/proxy-server/enabled"));

        var refused = await Assert.ThrowsAsync<ConfigException>(() => config.SetAsync("services/proxy-server/enabled", "true"));

        Assert.Equal("services/proxy-server/enabled cannot be true while services/proxy-transport/enabled is true: proxy-server and " +
            "proxy-transport never run together on one node. First `bitdust set services/proxy-transport/enabled false`.", refused.Message);
        Assert.False(NodeConfig.Load(new NodeHome(_folder)).IsSet("services/proxy-server/enabled"));

        // The order BitDust's guide gives works, and then the other way round is refused the same way.
        await config.SetAsync("services/proxy-transport/enabled", "false");
        Assert.Equal("true", await config.SetAsync("services/proxy-server/enabled", "yes"));
        var back = await Assert.ThrowsAsync<ConfigException>(() => config.SetAsync("services/proxy-transport/enabled", "on"));
        Assert.Contains("First `bitdust set services/proxy-server/enabled false`.", back.Message, StringComparison.Ordinal);
        // Switching either off is always allowed.
        Assert.Equal("false", await config.SetAsync("services/proxy-transport/enabled", "false"));
        Assert.Equal("false", await config.SetAsync("services/proxy-server/enabled", "false"));
    }

    [Fact]
    public async Task With_both_switched_on_by_hand_the_registry_starts_the_first_and_keeps_the_second_off_with_the_reason()
    {
        var started = new List<string>();
        var registry = new ServiceRegistry(
        [
            new Proxy("tcp-connections", [], started),
            new Proxy("proxy-server", ["proxy-transport"], started),
            new Proxy("proxy-transport", ["proxy-server"], started),
        ], _ => true, NullLogger.Instance);

        await registry.StartAsync(CancellationToken.None);

        var states = registry.List().ToDictionary(s => s.Name);
        Assert.Equal(["tcp-connections", "proxy-server"], started);
        Assert.False(states["proxy-transport"].Running);
        Assert.Equal("OFF", states["proxy-transport"].State);
        Assert.Equal("never runs together with proxy-server, which is running: to run proxy-transport, first " +
            "`bitdust set services/proxy-server/enabled false`", states["proxy-transport"].Reason);

        // Declared by one side only, the rule still holds both ways.
        var oneSided = new ServiceRegistry(
            [new Proxy("proxy-transport", [], started), new Proxy("proxy-server", ["proxy-transport"], started)], _ => true,
            NullLogger.Instance);
        await oneSided.StartAsync(CancellationToken.None);
        Assert.False(oneSided.List().Single(s => s.Name == "proxy-server").Running);
    }

    private sealed class Proxy(string name, string[] conflicts, List<string> started) : INetworkService
    {
        public string Name => name;

        public IReadOnlyList<string> DependsOn => [];

        public IReadOnlyList<string> ConflictsWith => conflicts;

        public string State => "READY";

        public Task StartAsync(CancellationToken cancellationToken)
        {
            started.Add(name);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
