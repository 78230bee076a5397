using BitDust.Engine.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// Starts the enabled services in dependency order and stops them in reverse. A service that is switched off, whose
/// dependency is not running, or that conflicts with one running, stays off and says why.
/// </summary>
public sealed partial class ServiceRegistry : IAsyncDisposable
{
    private readonly IReadOnlyList<INetworkService> _ordered;
    private readonly Func<string, bool> _isEnabled;
    private readonly ILogger _logger;
    private readonly Dictionary<string, string?> _reasons = new(StringComparer.Ordinal);
    private readonly List<INetworkService> _running = [];

    public ServiceRegistry(IEnumerable<INetworkService> services, Func<string, bool> isEnabled, ILogger logger)
    {
        _ordered = Order(services.ToList());
        _isEnabled = isEnabled;
        _logger = logger;
    }

    /// <summary>Reads <c>services/NAME/enabled</c> from <paramref name="config"/>.</summary>
    public ServiceRegistry(IEnumerable<INetworkService> services, NodeConfig config, ILogger logger)
        : this(services, name => config.GetBoolean($"services/{name}/enabled"), logger)
    {
    }

    /// <summary>Starts every enabled service that is not running yet; call again after a change (e.g. a new identity).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var service in _ordered)
        {
            if (_running.Contains(service))
                continue;
            if (!_isEnabled(service.Name))
            {
                _reasons[service.Name] = $"switched off (services/{service.Name}/enabled is false)";
                continue;
            }
            if (RunningConflict(service) is { } conflict)
            {
                _reasons[service.Name] = $"never runs together with {conflict}, which is running: to run {service.Name}, first " +
                    $"`bitdust set services/{conflict}/enabled false`";
                LogConflict(service.Name, conflict);
                continue;
            }
            var missing = service.DependsOn.FirstOrDefault(d => !_running.Any(r => r.Name == d));
            if (missing is not null)
            {
                _reasons[service.Name] = $"depends on {missing}, which is not running";
                LogDependencyOff(service.Name, missing);
                continue;
            }
            try
            {
                await service.StartAsync(cancellationToken).ConfigureAwait(false);
                _running.Add(service);
                _reasons[service.Name] = null;
                LogStarted(service.Name, service.State);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _reasons[service.Name] = $"failed to start: {e.Message}";
                LogStartFailed(e, service.Name);
            }
        }
    }

    public IReadOnlyList<ServiceStatus> List() => _ordered.Select(s =>
    {
        var running = _running.Contains(s);
        return new ServiceStatus(s.Name, _isEnabled(s.Name), running, running ? s.State : "OFF", s.DependsOn, _reasons.GetValueOrDefault(s.Name),
            running ? s.Detail : null);
    }).ToList();

    public INetworkService? Find(string name) => _ordered.FirstOrDefault(s => s.Name == name);

    public T? Running<T>() where T : class, INetworkService => _running.OfType<T>().FirstOrDefault();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            var service = _running[i];
            try
            {
                await service.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogStopFailed(e, service.Name);
            }
            _running.RemoveAt(i);
            _reasons[service.Name] = "stopped";
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>A running service that <paramref name="service"/> must not run beside, whichever of the two declares it.</summary>
    private string? RunningConflict(INetworkService service) =>
        _running.FirstOrDefault(r => service.ConflictsWith.Contains(r.Name) || r.ConflictsWith.Contains(service.Name))?.Name;

    /// <summary>Dependencies first; a cycle or an unknown dependency is a programming error caught at start.</summary>
    private static List<INetworkService> Order(List<INetworkService> services)
    {
        var byName = services.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var ordered = new List<INetworkService>();
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        void Visit(INetworkService service)
        {
            if (ordered.Contains(service))
                return;
            if (!visiting.Add(service.Name))
                throw new InvalidOperationException($"Services depend on each other in a cycle through {service.Name}.");
            foreach (var dependency in service.DependsOn)
            {
                if (!byName.TryGetValue(dependency, out var required))
                    throw new InvalidOperationException($"Service {service.Name} depends on {dependency}, which does not exist.");
                Visit(required);
            }
            ordered.Add(service);
        }
        foreach (var service in services)
            Visit(service);
        return ordered;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "service {Name} started ({State})")]
    private partial void LogStarted(string name, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "service {Name} stays off: it depends on {Dependency}, which is not running")]
    private partial void LogDependencyOff(string name, string dependency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "service {Name} stays off: it never runs together with {Other}, which is running")]
    private partial void LogConflict(string name, string other);

    [LoggerMessage(Level = LogLevel.Error, Message = "service {Name} failed to start")]
    private partial void LogStartFailed(Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "service {Name} failed to stop cleanly")]
    private partial void LogStopFailed(Exception exception, string name);
}
