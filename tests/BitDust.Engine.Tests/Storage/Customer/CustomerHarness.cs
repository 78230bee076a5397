using System.Net;
using System.Security.Cryptography;
using BitDust.Engine.Crypto;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Rebuilding;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using BitDust.Engine.Storage.Protocol;
using BitDust.Engine.Storage.Supplier;
using BitDust.Engine.Tests.Network.Transport;
using BitDust.TestSupport;

namespace BitDust.Engine.Tests.Storage.Customer;

/// <summary>
/// A customer and its suppliers in one process: every supplier a fragment store in a fresh temp folder behind a TLS
/// listener on loopback port 0, the customer a catalog in a fresh temp home with a connector of its own. The customer can
/// be stopped and started again on the same home (as a killed node restarts), or on an empty one with the same keys (as
/// after `identity recover`).
/// </summary>
internal sealed class CustomerHarness : IAsyncDisposable
{
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Small blocks keep multi-block files small.</summary>
    public const int BlockSize = 64 * 1024;

    private const long Donated = 1L << 30;
    private const long Needed = 256L << 20;

    private readonly List<string> _homes = [];
    private int _familySize;
    private bool _stopped;

    private CustomerHarness(TestNode customer, TestNode[] suppliers, MasterKey masterKey)
    {
        CustomerNode = customer;
        Suppliers = new SupplierNode[suppliers.Length];
        Keys = new KeyBundle(masterKey, customer.Key);
        Resolver = new KnownIdentities([customer, .. suppliers]);
    }

    public TestNode CustomerNode { get; }

    public SupplierNode[] Suppliers { get; }

    public KeyBundle Keys { get; }

    public KnownIdentities Resolver { get; }

    public string Home { get; private set; } = "";

    public Catalog Catalog { get; private set; } = null!;

    public Family Family { get; private set; } = null!;

    public CustomerStorage Storage { get; private set; } = null!;

    private PeerConnector Connector { get; set; } = null!;

    public static CustomerOptions Options { get; } = new()
    {
        BlockSize = BlockSize, BackupDelay = TimeSpan.FromMilliseconds(50), BackupRetryDelay = TimeSpan.FromMilliseconds(500),
        QuietBackupDelay = TimeSpan.FromMilliseconds(300), RequestTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary><paramref name="suppliers"/> running suppliers; the customer is started with a family of <paramref
    /// name="familySize"/>.</summary>
    public static async Task<CustomerHarness> StartAsync(int suppliers = 7, int familySize = 7)
    {
        var customer = TestNode.Create("alice", TransportOptions.Default with { DialAttempts = 1 });
        var nodes = Enumerable.Range(0, suppliers).Select(i => TestNode.Create($"supplier-{i}")).ToArray();
        var harness = new CustomerHarness(customer, nodes, MasterKey.Generate());
        for (var i = 0; i < suppliers; i++)
            harness.Suppliers[i] = await SupplierNode.StartAsync(nodes[i], Donated, harness.Resolver);
        harness.StartCustomer(NewHome(harness), familySize);
        return harness;
    }

    private static string NewHome(CustomerHarness harness)
    {
        var home = Directory.CreateTempSubdirectory("bitdust-customer-").FullName;
        harness._homes.Add(home);
        return home;
    }

    private void StartCustomer(string home, int familySize)
    {
        _stopped = false;
        _familySize = familySize;
        Home = home;
        Catalog = Catalog.Open(Path.Combine(home, "catalog.db"));
        Connector = new PeerConnector(CustomerNode.Credentials, CustomerNode.Handlers, CustomerNode.Options, CustomerNode.Log);
        Family = new Family(Catalog, Connector, familySize);
        Storage = new CustomerStorage(Catalog, Family, Keys, Options);
    }

    /// <summary>Hires the running suppliers, in order, as the directory would offer them.</summary>
    public SupplierHiring Hiring() => new(Family, (exclude, _) => Task.FromResult<IReadOnlyList<SupplierCandidate>>(
        Suppliers.Where(s => s.IsRunning && !exclude.Contains(s.Node.Name)).Select(s => s.Candidate()).ToList()), Needed,
            Options.RequestTimeout);

    public async Task HireAsync() => Assert.True(await Hiring().TryFillAsync(CancellationToken.None).WaitAsync(StepTimeout));

    /// <summary>An employer of this customer, hiring from the running suppliers as <see cref="Hiring"/> does.</summary>
    public Employer NewEmployer(EmployerOptions options, Action requestRebuild) => new(Storage, Hiring(), options, requestRebuild);

    /// <summary>A rebuild of this customer; <paramref name="rebuilt"/> stands for the catalog backup it asks for.</summary>
    public Rebuilder NewRebuilder(Action? rebuilt = null) =>
        new(Storage, new RebuildOptions { Interval = TimeSpan.FromMinutes(10) }, rebuilt);

    /// <summary>True when every block of every version of <paramref name="remotePath"/> has all n fragments stored.</summary>
    public bool AtFullRedundancy(string remotePath) =>
        Storage.Inspect(remotePath).All(v => v.BelowFullRedundancy.Count == 0 && !v.LostFragments);

    /// <summary>Waits (at most <see cref="StepTimeout"/>) until <paramref name="condition"/> holds.</summary>
    public static Task WaitUntilAsync(Func<bool> condition) => Eventually.UntilAsync(condition, StepTimeout);

    /// <summary>Starts the customer again on the same home (after <see cref="StopCustomerAsync"/>); jobs resume with ResumeJobs.</summary>
    public void StartAgain() => StartCustomer(Home, _familySize);

    /// <summary>Stops the customer and starts it on an empty home with the same keys and family, as after `identity recover`.</summary>
    public async Task MoveToEmptyHomeAsync()
    {
        var members = Family.Members;
        await StopCustomerAsync();
        StartCustomer(NewHome(this), members.Count);
        foreach (var member in members)
            Family.Set(member!);
    }

    /// <summary>Stops the customer where it is: transfers end, connections close, upload jobs stay in the catalog.</summary>
    public async Task StopCustomerAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await Storage.DisposeAsync().AsTask().WaitAsync(StepTimeout);
        await Connector.DisposeAsync().AsTask().WaitAsync(StepTimeout);
        Catalog.Dispose();
    }

    public string LocalFile(string name, byte[] content)
    {
        var folder = Path.Combine(Home, "local");
        var path = Path.Combine(folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string OutputPath(string name) => Path.Combine(Home, "out", name);

    public static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        RandomNumberGenerator.Fill(bytes);
        return bytes;
    }

    public async Task<Transfer> UploadAsync(string localPath, string? remotePath = null)
    {
        var transfer = Storage.StartUpload(localPath, remotePath);
        await transfer.WhenFinished.WaitAsync(StepTimeout);
        Assert.True(transfer.State == TransferState.Complete, transfer.Error);
        return transfer;
    }

    public async Task<Transfer> DownloadAsync(string remotePath, string localPath)
    {
        var transfer = Storage.StartDownload(remotePath, localPath);
        await transfer.WhenFinished.WaitAsync(StepTimeout);
        return transfer;
    }

    public async ValueTask DisposeAsync()
    {
        await StopCustomerAsync();
        foreach (var supplier in Suppliers)
            await supplier.DisposeAsync();
        Keys.Dispose();
        CustomerNode.Dispose();
        foreach (var home in _homes)
            Directory.Delete(home, recursive: true);
    }
}

/// <summary>
/// One supplier: a fragment store behind a TLS listener. It counts the fragments put to it, and can hold them back
/// (<see cref="HoldPutsAfter"/>) so a test stops a customer in the middle of an upload without racing it.
/// </summary>
internal sealed class SupplierNode : IAsyncDisposable
{
    private readonly string _folder;
    private readonly IIdentityResolver _resolver;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _puts;
    private int _holdAfter = int.MaxValue;

    private IPEndPoint? _endPoint;

    private SupplierNode(TestNode node, string folder, FragmentStore store, IIdentityResolver resolver)
    {
        Node = node;
        _folder = folder;
        Store = store;
        _resolver = resolver;
    }

    public TestNode Node { get; }

    public FragmentStore Store { get; }

    public TransportListener? Listener { get; private set; }

    public bool IsRunning => Listener is not null;

    /// <summary>Fragments put to this supplier (answered or held).</summary>
    public int Puts => Volatile.Read(ref _puts);

    public static async Task<SupplierNode> StartAsync(TestNode node, long donated, IIdentityResolver resolver)
    {
        var folder = Directory.CreateTempSubdirectory("bitdust-supplier-").FullName;
        var store = await FragmentStore.OpenAsync(folder, () => donated, CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        var supplier = new SupplierNode(node, folder, store, resolver);
        SupplierHandlers.Map(node.Handlers, store);
        Assert.True(node.Handlers.TryGetRequestHandler(StorageWire.FragmentPut, out var put));
        node.Handlers.MapRequest(StorageWire.FragmentPut, async (request, cancellationToken) =>
        {
            if (Interlocked.Increment(ref supplier._puts) > Volatile.Read(ref supplier._holdAfter))
                await supplier._released.Task.WaitAsync(cancellationToken);
            return await put(request, cancellationToken);
        });
        supplier.Listener = node.Listen(resolver);
        supplier._endPoint = supplier.Listener.LocalEndPoint;
        return supplier;
    }

    /// <summary>Listens again, at the address it had, after <see cref="StopAsync"/>: the supplier is back online.</summary>
    public void Restart() => Listener ??= Node.Listen(_resolver, _endPoint);

    /// <summary>The file holding <paramref name="key"/> on this supplier's disk.</summary>
    public string FragmentFile(FragmentKey key) =>
        Assert.Single(Directory.GetFiles(Path.Combine(Store.Folder, "fragments"), $"{Convert.ToHexStringLower(key.ToBytes())}.*",
            SearchOption.AllDirectories));

    /// <summary>Puts beyond the <paramref name="count"/>th are not answered until the connection that sent them closes.</summary>
    public void HoldPutsAfter(int count) => Volatile.Write(ref _holdAfter, count);

    public void ResetPuts()
    {
        Volatile.Write(ref _holdAfter, int.MaxValue);
        Volatile.Write(ref _puts, 0);
    }

    public PeerContact Contact => Node.At(Listener!.LocalEndPoint);

    public SupplierCandidate Candidate()
    {
        var document = IdentityDocument.Create(Node.Key, Node.Name, RandomNumberGenerator.GetBytes(IdentityDocument.DhtPublicKeySize),
            [$"tcp://127.0.0.1:{Listener!.LocalEndPoint.Port}"], [], DateTimeOffset.UtcNow);
        var offer = Store.Offer();
        return new SupplierCandidate(Contact, document, offer);
    }

    /// <summary>Fragments this supplier holds, of every customer.</summary>
    public int HeldFragments => Store.Customers().Sum(c => c.Fragments);

    /// <summary>Every fragment held (by key, hex) with the SHA-256 of its bytes, read from the store's own index.</summary>
    public IReadOnlyDictionary<string, byte[]> FragmentHashes()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(
            $"Data Source={Path.Combine(Store.Folder, "index.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, sha256 FROM fragments";
        using var reader = command.ExecuteReader();
        var hashes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (reader.Read())
            hashes[Convert.ToHexString(reader.GetFieldValue<byte[]>(0))] = reader.GetFieldValue<byte[]>(1);
        return hashes;
    }

    public async Task StopAsync()
    {
        if (Listener is { } listener)
            await listener.DisposeAsync().AsTask().WaitAsync(CustomerHarness.StepTimeout);
        Listener = null;
    }

    public async ValueTask DisposeAsync()
    {
        _released.TrySetResult();
        await StopAsync();
        Store.Dispose();
        Node.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
