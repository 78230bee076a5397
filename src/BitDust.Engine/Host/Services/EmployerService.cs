using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Rebuilding;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// <c>employer</c>: once the customer is READY, watches its family (<see cref="Storage.Customer.Employer"/>): pings every
/// <c>services/employer/ping-interval</c> seconds, audits every <c>audit-interval</c>, fires members offline past
/// <c>offline-deadline</c> (when <c>replace-critically-offline-enabled</c>) or failing audits, hires their replacements and
/// asks <paramref name="rebuilding"/> to put their fragments back; a member that does not answer is looked up again through
/// <paramref name="resolver"/> in case it moved. The settings are read when the service starts.
/// </summary>
public sealed class EmployerService(CustomerService customer, RebuildingService rebuilding, NodeConfig config,
    NetworkIdentityResolver resolver, ILoggerFactory loggerFactory)
    : CustomerWorkService<Employer>(customer, loggerFactory.CreateLogger<EmployerService>())
{
    public override string Name => "employer";

    /// <summary>OFF, WAITING (for the customer to be READY), READY, HIRING (a position waits for a replacement) or FAILED.</summary>
    public override string State
    {
        get
        {
            var state = base.State;
            return state == "READY" && Customer.Storage?.Family.IsComplete == false ? "HIRING" : state;
        }
    }

    /// <summary>What the employer last did or waits for.</summary>
    public string? Detail => Worker?.Status;

    /// <summary>Null until the customer is READY.</summary>
    public Employer? Employer => Worker;

    protected override Func<CustomerStorage, Employer> Prepare()
    {
        var options = EngineOptions.Employer(config);
        return storage => new Employer(storage, Customer.Hiring ?? throw new InvalidOperationException("the customer service stopped"),
            options, () => rebuilding.Rebuilder?.Request(), loggerFactory.CreateLogger<Employer>(), resolver.RefreshAsync);
    }

    protected override Task RunAsync(Employer worker, CancellationToken cancellationToken) => worker.RunAsync(cancellationToken);
}
