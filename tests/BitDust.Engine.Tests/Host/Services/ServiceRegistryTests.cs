using BitDust.Engine.Host.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Tests.Host.Services;

public sealed class ServiceRegistryTests
{
    private readonly List<string> _events = [];

    [Fact]
    public async Task Enabled_services_start_in_dependency_order_and_stop_in_reverse()
    {
        var registry = new ServiceRegistry(
            [Service("supplier", "tcp-connections", "entangled-dht"), Service("tcp-connections"), Service("entangled-dht")],
            _ => true, NullLogger.Instance);

        await registry.StartAsync(CancellationToken.None);
        await registry.StopAsync(CancellationToken.None);

        Assert.Equal(
            ["start tcp-connections", "start entangled-dht", "start supplier", "stop supplier", "stop entangled-dht", "stop tcp-connections"],
            _events);
    }

    [Fact]
    public async Task A_service_whose_dependency_is_off_stays_off_and_says_why()
    {
        var registry = new ServiceRegistry([Service("entangled-dht"), Service("supplier", "entangled-dht")],
            name => name != "entangled-dht", NullLogger.Instance);

        await registry.StartAsync(CancellationToken.None);

        var states = registry.List().ToDictionary(s => s.Name);
        Assert.False(states["entangled-dht"].Running);
        Assert.Contains("services/entangled-dht/enabled is false", states["entangled-dht"].Reason, StringComparison.Ordinal);
        Assert.False(states["supplier"].Running);
        Assert.Equal("OFF", states["supplier"].State);
        Assert.Contains("depends on entangled-dht", states["supplier"].Reason, StringComparison.Ordinal);
        Assert.Empty(_events);
    }

    [Fact]
    public async Task A_service_that_fails_to_start_keeps_its_dependents_off()
    {
        var registry = new ServiceRegistry([Service("entangled-dht", fail: true), Service("supplier", "entangled-dht")],
            _ => true, NullLogger.Instance);

        await registry.StartAsync(CancellationToken.None);

        var states = registry.List().ToDictionary(s => s.Name);
        Assert.Contains("failed to start: port in use", states["entangled-dht"].Reason, StringComparison.Ordinal);
        Assert.Contains("depends on entangled-dht", states["supplier"].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dependency_cycle_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new ServiceRegistry([Service("a", "b"), Service("b", "a")], _ => true, NullLogger.Instance));

        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    private RecordingService Service(string name, params string[] dependsOn) => new(name, dependsOn, _events, fail: false);

    private RecordingService Service(string name, bool fail) => new(name, [], _events, fail);

    private sealed class RecordingService(string name, string[] dependsOn, List<string> events, bool fail) : INetworkService
    {
        public string Name => name;

        public IReadOnlyList<string> DependsOn => dependsOn;

        public string State { get; private set; } = "OFF";

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (fail)
                throw new IOException("port in use");
            events.Add($"start {name}");
            State = "READY";
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            events.Add($"stop {name}");
            State = "OFF";
            return Task.CompletedTask;
        }
    }
}
