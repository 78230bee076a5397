using BitDust.Engine.Tests.Storage.Customer;

namespace BitDust.Fs.Tests.Stubs;

/// <summary>
/// One customer with a hired family of real in-process TLS suppliers, shared by the tests of a class (they run one after
/// another); each test names its own files, so what another left in the catalog does not matter.
/// </summary>
public sealed class StubCustomer : IAsyncLifetime
{
    private CustomerHarness? _harness;

    internal CustomerHarness Harness => _harness ?? throw new InvalidOperationException("the customer is not started");

    public async Task InitializeAsync()
    {
        _harness = await CustomerHarness.StartAsync();
        await _harness.HireAsync();
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
            await _harness.DisposeAsync();
    }

    /// <summary>A fresh empty folder inside the customer's temp home.</summary>
    public string NewFolder(string name) =>
        Directory.CreateDirectory(Path.Combine(Harness.Home, $"{name}-{Guid.NewGuid():N}")).FullName;
}
