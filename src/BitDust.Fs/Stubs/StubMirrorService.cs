using BitDust.Engine.Common;
using BitDust.Engine.Host.Services;
using BitDust.Engine.Storage.Customer;
using Microsoft.Extensions.Logging;

namespace BitDust.Fs.Stubs;

/// <summary>
/// <c>stubs</c>: once the customer is READY, keeps <see cref="NodeHome.Stubs"/> holding a <c>.f</c> stub of every file of
/// the catalog (<see cref="StubMirror"/>), so each file can be materialized from its stub alone with
/// <c>bitdust materialize</c>, without a mount. Losing the folder loses nothing: the next start writes it again.
/// </summary>
public sealed class StubMirrorService(NodeHome home, CustomerService customer, ILoggerFactory loggerFactory)
    : CustomerWorkService<StubMirror>(customer, loggerFactory.CreateLogger<StubMirrorService>())
{
    public override string Name => "stubs";

    /// <summary>Null until the customer is READY.</summary>
    public StubMirror? Mirror => Worker;

    protected override Func<CustomerStorage, StubMirror> Prepare() =>
        storage => new StubMirror(storage, home.Stubs, loggerFactory.CreateLogger<StubMirror>());

    protected override Task RunAsync(StubMirror worker, CancellationToken cancellationToken) => worker.RunAsync(cancellationToken);
}
