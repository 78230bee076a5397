using BitDust.Engine.Storage.Customer;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Services;

/// <summary>
/// <c>rebuilding</c>: once the customer is READY, puts back the fragments its family lost (<see cref="Rebuilder"/>): after a
/// supplier is replaced or seen back online, after an audit finds a fragment damaged or missing, and every few minutes.
/// Each pass that works is a transfer of kind rebuild; afterwards the catalog backup is refreshed.
/// </summary>
public sealed partial class RebuildingService(CustomerService customer, ILoggerFactory loggerFactory) : INetworkService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<RebuildingService>();
    private CancellationTokenSource? _stop;
    private Task? _running;
    private volatile string _state = "OFF";

    public string Name => "rebuilding";

    public IReadOnlyList<string> DependsOn => ["customer"];

    /// <summary>OFF, WAITING (for the customer to be READY), READY or FAILED.</summary>
    public string State => _state;

    /// <summary>What the last pass did, or what waits.</summary>
    public string? Detail => Rebuilder?.Status;

    /// <summary>Null until the customer is READY.</summary>
    public Rebuilder? Rebuilder { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stop = new CancellationTokenSource();
        _state = "WAITING";
        _running = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await customer.WhenReady.WaitAsync(cancellationToken).ConfigureAwait(false);
            var storage = customer.Storage ?? throw new InvalidOperationException("the customer service stopped");
            var backup = customer.Backup;
            Rebuilder = new Rebuilder(storage, new RebuildOptions(), backup is null ? null : () => backup.Request(),
                loggerFactory.CreateLogger<Rebuilder>());
            _state = "READY";
            await Rebuilder.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || customer.WhenReady.IsCanceled)
        {
            // Stopping, or the customer stopped before it was ready.
        }
        catch (Exception e)
        {
            _state = "FAILED";
            LogFailed(e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is not null)
            await _stop.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop?.Dispose();
        (_stop, _running, Rebuilder) = (null, null, null);
        _state = "OFF";
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "the rebuilding service stopped working")]
    private partial void LogFailed(Exception exception);
}
