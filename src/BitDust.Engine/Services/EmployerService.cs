using BitDust.Engine.Configuration;
using BitDust.Engine.Storage.Customer;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Services;

/// <summary>
/// <c>employer</c>: once the customer is READY, watches its family (<see cref="Employer"/>): pings every
/// <c>services/employer/ping-interval</c> seconds, audits every <c>audit-interval</c>, fires members offline past
/// <c>offline-deadline</c> (when <c>replace-critically-offline-enabled</c>) or failing audits, hires their replacements and
/// asks <paramref name="rebuilding"/> to put their fragments back. The settings are read when the service starts.
/// </summary>
public sealed partial class EmployerService(CustomerService customer, RebuildingService rebuilding, NodeConfig config,
    ILoggerFactory loggerFactory) : INetworkService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<EmployerService>();
    private CancellationTokenSource? _stop;
    private Task? _running;
    private volatile string _state = "OFF";

    public string Name => "employer";

    public IReadOnlyList<string> DependsOn => ["customer"];

    /// <summary>OFF, WAITING (for the customer to be READY), READY, HIRING (a position waits for a replacement) or FAILED.</summary>
    public string State => _state == "READY" && customer.Storage?.Family.IsComplete == false ? "HIRING" : _state;

    /// <summary>What the employer last did or waits for.</summary>
    public string? Detail => Employer?.Status;

    /// <summary>Null until the customer is READY.</summary>
    public Employer? Employer { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = EmployerOptions.FromConfig(config);
        _stop = new CancellationTokenSource();
        _state = "WAITING";
        _running = Task.Run(() => RunAsync(options, _stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(EmployerOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await customer.WhenReady.WaitAsync(cancellationToken).ConfigureAwait(false);
            var storage = customer.Storage ?? throw new InvalidOperationException("the customer service stopped");
            var hiring = customer.Hiring ?? throw new InvalidOperationException("the customer service stopped");
            Employer = new Employer(storage, hiring, options, () => rebuilding.Rebuilder?.Request(),
                loggerFactory.CreateLogger<Employer>());
            _state = "READY";
            await Employer.RunAsync(cancellationToken).ConfigureAwait(false);
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
        (_stop, _running, Employer) = (null, null, null);
        _state = "OFF";
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "the employer service stopped working")]
    private partial void LogFailed(Exception exception);
}
