using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Rebuilding;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// <c>rebuilding</c>: once the customer is READY, puts back the fragments its family lost (<see cref="Storage.Customer.Rebuilder"/>):
/// after a supplier is replaced or seen back online, after an audit finds a fragment damaged or missing, and every few minutes.
/// Each pass that works is a transfer of kind rebuild; afterwards the catalog backup is refreshed.
/// </summary>
public sealed class RebuildingService(CustomerService customer, ILoggerFactory loggerFactory)
    : CustomerWorkService<Rebuilder>(customer, loggerFactory.CreateLogger<RebuildingService>())
{
    public override string Name => "rebuilding";

    /// <summary>What the last pass did, or what waits.</summary>
    public string? Detail => Worker?.Status;

    /// <summary>Null until the customer is READY.</summary>
    public Rebuilder? Rebuilder => Worker;

    protected override Func<CustomerStorage, Rebuilder> Prepare() => storage =>
    {
        var backup = Customer.Backup;
        return new Rebuilder(storage, new RebuildOptions(), backup is null ? null : () => backup.Request(),
            loggerFactory.CreateLogger<Rebuilder>());
    };

    protected override Task RunAsync(Rebuilder worker, CancellationToken cancellationToken) => worker.RunAsync(cancellationToken);
}
