using BitDust.Engine.Storage.Customer;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// A service that works for the customer (<c>employer</c>, <c>rebuilding</c>): on start it reads its settings, waits until the
/// customer is READY, then makes its worker over the customer's storage and runs it until stopped.
/// </summary>
public abstract partial class CustomerWorkService<TWorker>(CustomerService customer, ILogger logger) : INetworkService
    where TWorker : class
{
    private CancellationTokenSource? _stop;
    private Task? _running;
    private volatile string _state = "OFF";

    public abstract string Name { get; }

    public IReadOnlyList<string> DependsOn => ["customer"];

    /// <summary>OFF, WAITING (for the customer to be READY), READY or FAILED.</summary>
    public virtual string State => _state;

    /// <summary>Null until the customer is READY.</summary>
    protected TWorker? Worker { get; private set; }

    protected CustomerService Customer => customer;

    /// <summary>Reads the settings now (they hold until the next start) and says how to make the worker once storage is there.</summary>
    protected abstract Func<CustomerStorage, TWorker> Prepare();

    protected abstract Task RunAsync(TWorker worker, CancellationToken cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var create = Prepare();
        _stop = new CancellationTokenSource();
        _state = "WAITING";
        _running = Task.Run(() => WorkAsync(create, _stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task WorkAsync(Func<CustomerStorage, TWorker> create, CancellationToken cancellationToken)
    {
        try
        {
            await customer.WhenReady.WaitAsync(cancellationToken).ConfigureAwait(false);
            var storage = customer.Storage ?? throw new InvalidOperationException("the customer service stopped");
            Worker = create(storage);
            _state = "READY";
            await RunAsync(Worker, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || customer.WhenReady.IsCanceled)
        {
            // Stopping, or the customer stopped before it was ready.
        }
        catch (Exception e)
        {
            _state = "FAILED";
            LogFailed(logger, Name, e);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is not null)
            await _stop.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop?.Dispose();
        (_stop, _running, Worker) = (null, null, null);
        _state = "OFF";
    }

    [LoggerMessage(EventId = 4109, Level = LogLevel.Error, Message = "the {Service} service stopped working")]
    private static partial void LogFailed(ILogger logger, string service, Exception exception);
}
