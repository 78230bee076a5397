using BitDust.Engine.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// Starts the enabled services in dependency order and stops them in reverse. A service that is switched off, whose
/// dependency is not running, or that conflicts with one running, stays off and says why. One service can be stopped, started
/// or restarted while the node runs (<c>/service/stop|start|restart/NAME/v1</c>): its dependents stop with it, and a service
/// stopped that way stays off until it is started again.
/// </summary>
public sealed partial class ServiceRegistry : IAsyncDisposable
{
    private readonly IReadOnlyList<INetworkService> _ordered;
    private readonly Func<string, bool> _isEnabled;
    private readonly ILogger _logger;

    // One change (start, stop, restart) at a time; _gate guards the two collections for readers on other threads.
    private readonly SemaphoreSlim _changing = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (ServiceOff Kind, string Text)?> _reasons = new(StringComparer.Ordinal);
    private readonly List<INetworkService> _running = [];

    /// <summary>Services stopped on request: <see cref="StartAsync"/> leaves them off until they are started by name.</summary>
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);

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
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StartWhereAsync(s => !_held.Contains(s.Name), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>
    /// Starts <paramref name="name"/>, the services it depends on that are off, and its dependents (those that stopped with it),
    /// each only if enabled and not stopped on request itself; returns those that started. Whether <paramref name="name"/> runs
    /// afterwards, and why not, is in <see cref="List"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> StartServiceAsync(string name, CancellationToken cancellationToken)
    {
        var service = Known(name);
        var wanted = WithDependencies(service);
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _held.ExceptWith(wanted);
            wanted.UnionWith(WithDependents(service).Where(d => !_held.Contains(d)));
            return await StartWhereAsync(s => wanted.Contains(s.Name), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>
    /// Stops <paramref name="name"/> and the running services that depend on it, dependents first; returns those stopped.
    /// </summary>
    public async Task<IReadOnlyList<string>> StopServiceAsync(string name, CancellationToken cancellationToken)
    {
        var service = Known(name);
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _held.Add(service.Name);
            return await StopWhereAsync(WithDependents(service), $"stopped on request (bitdust service start {service.Name} starts it)",
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>Stops <paramref name="name"/> and its running dependents, then starts them all again; returns those started.</summary>
    public async Task<IReadOnlyList<string>> RestartServiceAsync(string name, CancellationToken cancellationToken)
    {
        var service = Known(name);
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stopped = await StopWhereAsync(WithDependents(service), "restarting", cancellationToken).ConfigureAwait(false);
            var wanted = WithDependencies(service);
            wanted.UnionWith(stopped);
            _held.ExceptWith(wanted);
            return await StartWhereAsync(s => wanted.Contains(s.Name), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _changing.Release();
        }
    }

    public IReadOnlyList<ServiceStatus> List()
    {
        lock (_gate)
        {
            return _ordered.Select(s =>
            {
                var running = _running.Contains(s);
                var reason = running ? null : _reasons.GetValueOrDefault(s.Name);
                return new ServiceStatus(s.Name, _isEnabled(s.Name), running, running ? s.State : "OFF", s.DependsOn,
                    reason?.Text, running ? s.Detail : null, reason?.Kind);
            }).ToList();
        }
    }

    public INetworkService? Find(string name) => _ordered.FirstOrDefault(s => s.Name == name);

    public T? Running<T>() where T : class, INetworkService
    {
        lock (_gate)
            return _running.OfType<T>().FirstOrDefault();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Not given the token: a node that is stopping stops its services even when asked with one already cancelled.
        await _changing.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await StopWhereAsync(_ordered.Select(s => s.Name).ToHashSet(StringComparer.Ordinal), "stopped", cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _changing.Release();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private INetworkService Known(string name) =>
        Find(name) ?? throw new KeyNotFoundException($"no service named {name}; `bitdust states` lists them");

    /// <summary>
    /// Starts, in dependency order, each service <paramref name="wanted"/> picks that is not running; returns those started.
    /// </summary>
    private async Task<IReadOnlyList<string>> StartWhereAsync(Func<INetworkService, bool> wanted, CancellationToken cancellationToken)
    {
        var started = new List<string>();
        foreach (var service in _ordered)
        {
            if (!wanted(service) || IsRunning(service))
                continue;
            if (!_isEnabled(service.Name))
            {
                SetReason(service.Name, ServiceOff.SwitchedOff, $"switched off (services/{service.Name}/enabled is false)");
                continue;
            }
            if (RunningConflict(service) is { } conflict)
            {
                SetReason(service.Name, ServiceOff.Conflict, $"never runs together with {conflict}, which is running: to run {service.Name}, first " +
                    $"`bitdust set services/{conflict}/enabled false`");
                LogConflict(service.Name, conflict);
                continue;
            }
            var missing = service.DependsOn.FirstOrDefault(d => !IsRunning(d));
            if (missing is not null)
            {
                SetReason(service.Name, ServiceOff.DependencyOff, $"depends on {missing}, which is not running");
                LogDependencyOff(service.Name, missing);
                continue;
            }
            try
            {
                await service.StartAsync(cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    _running.Add(service);
                    _reasons[service.Name] = null;
                }
                started.Add(service.Name);
                LogStarted(service.Name, service.State);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                SetReason(service.Name, ServiceOff.Failed, $"failed to start: {e.Message}");
                LogStartFailed(e, service.Name);
            }
        }
        return started;
    }

    /// <summary>Stops the running services named in <paramref name="names"/>, the last started first; returns those stopped.</summary>
    private async Task<IReadOnlyList<string>> StopWhereAsync(HashSet<string> names, string reason, CancellationToken cancellationToken)
    {
        var stopped = new List<string>();
        List<INetworkService> running;
        lock (_gate)
            running = [.. _running];
        for (var i = running.Count - 1; i >= 0; i--)
        {
            var service = running[i];
            if (!names.Contains(service.Name))
                continue;
            try
            {
                await service.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogStopFailed(e, service.Name);
            }
            lock (_gate)
            {
                _running.Remove(service);
                _reasons[service.Name] = (ServiceOff.Stopped, reason);
            }
            stopped.Add(service.Name);
            LogStopped(service.Name);
        }
        return stopped;
    }

    private bool IsRunning(INetworkService service)
    {
        lock (_gate)
            return _running.Contains(service);
    }

    private bool IsRunning(string name)
    {
        lock (_gate)
            return _running.Any(r => r.Name == name);
    }

    private void SetReason(string name, ServiceOff kind, string reason)
    {
        lock (_gate)
            _reasons[name] = (kind, reason);
    }

    /// <summary><paramref name="service"/> and every service it depends on, directly or not.</summary>
    private HashSet<string> WithDependencies(INetworkService service)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string name)
        {
            if (names.Add(name))
            {
                foreach (var dependency in Known(name).DependsOn)
                    Visit(dependency);
            }
        }
        Visit(service.Name);
        return names;
    }

    /// <summary><paramref name="service"/> and every service that depends on it, directly or not.</summary>
    private HashSet<string> WithDependents(INetworkService service)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { service.Name };
        // _ordered has dependencies first, so one pass finds dependents of dependents.
        foreach (var other in _ordered)
        {
            if (other.DependsOn.Any(names.Contains))
                names.Add(other.Name);
        }
        return names;
    }

    /// <summary>A running service that <paramref name="service"/> must not run beside, whichever of the two declares it.</summary>
    private string? RunningConflict(INetworkService service)
    {
        lock (_gate)
            return _running.FirstOrDefault(r => service.ConflictsWith.Contains(r.Name) || r.ConflictsWith.Contains(service.Name))?.Name;
    }

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

    [LoggerMessage(EventId = 4113, Level = LogLevel.Information, Message = "service {Name} started ({State})")]
    private partial void LogStarted(string name, string state);

    [LoggerMessage(EventId = 4114, Level = LogLevel.Warning,
        Message = "service {Name} stays off: it depends on {Dependency}, which is not running")]
    private partial void LogDependencyOff(string name, string dependency);

    [LoggerMessage(EventId = 4115, Level = LogLevel.Warning,
        Message = "service {Name} stays off: it never runs together with {Other}, which is running")]
    private partial void LogConflict(string name, string other);

    [LoggerMessage(EventId = 4116, Level = LogLevel.Error, Message = "service {Name} failed to start")]
    private partial void LogStartFailed(Exception exception, string name);

    [LoggerMessage(EventId = 4117, Level = LogLevel.Information, Message = "service {Name} stopped")]
    private partial void LogStopped(string name);

    [LoggerMessage(EventId = 4118, Level = LogLevel.Error, Message = "service {Name} failed to stop cleanly")]
    private partial void LogStopFailed(Exception exception, string name);
}
