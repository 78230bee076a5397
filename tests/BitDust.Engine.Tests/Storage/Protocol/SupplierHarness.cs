using System.Security.Cryptography;
using BitDust.Engine.Coding;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;
using BitDust.Engine.Storage.Supplier;
using BitDust.Engine.Tests.Network.Transport;

namespace BitDust.Engine.Tests.Storage.Protocol;

/// <summary>
/// A supplier on loopback (TLS listener, handlers, a fragment store in a fresh temp folder) and customers that reach it
/// with <see cref="SupplierClient"/> over real TLS connections. Everything is torn down and deleted at the end.
/// </summary>
internal sealed class SupplierHarness : IAsyncDisposable
{
    public static readonly TimeSpan StepTimeout = TransportFixture.StepTimeout;

    private readonly List<PeerConnector> _connectors = [];
    private readonly TestNode[] _nodes;

    private SupplierHarness(string folder, long donated, TestNode supplier, TestNode[] customers)
    {
        Folder = folder;
        Donated = donated;
        SupplierNode = supplier;
        _nodes = [supplier, .. customers];
        Resolver = new KnownIdentities(_nodes);
    }

    public string Folder { get; }

    public long Donated { get; set; }

    public TestNode SupplierNode { get; }

    public KnownIdentities Resolver { get; }

    public FragmentStore Store { get; private set; } = null!;

    public TransportListener Listener { get; private set; } = null!;

    public PeerContact Contact => SupplierNode.At(Listener.LocalEndPoint);

    /// <summary>
    /// Starts a supplier that donates <paramref name="donated"/> bytes and knows the identities of <paramref name="customers"/>.
    /// </summary>
    public static async Task<SupplierHarness> StartAsync(long donated, params string[] customers)
    {
        var folder = Directory.CreateTempSubdirectory("bitdust-supplier-").FullName;
        var nodes = customers.Select(c => TestNode.Create(c)).ToArray();
        var harness = new SupplierHarness(folder, donated, TestNode.Create("supplier"), nodes);
        harness.Store = await FragmentStore.OpenAsync(folder, () => harness.Donated, CancellationToken.None).WaitAsync(StepTimeout);
        SupplierHandlers.Map(harness.SupplierNode.Handlers, harness.Store);
        harness.Listener = harness.SupplierNode.Listen(harness.Resolver);
        return harness;
    }

    /// <summary>A client for <paramref name="customer"/> (one of those named at start) on a connector of its own.</summary>
    public SupplierClient Client(string customer)
    {
        var node = _nodes.Single(n => n.Name == customer);
        var connector = new PeerConnector(node.Credentials, node.Handlers, node.Options, node.Log);
        _connectors.Add(connector);
        return new SupplierClient(connector, Contact);
    }

    public TestNode Node(string name) => _nodes.Single(n => n.Name == name);

    /// <summary>Closes the store and opens it again on the same folder, as a restarted supplier would.</summary>
    public async Task ReopenAsync()
    {
        SupplierHandlers.Unmap(SupplierNode.Handlers);
        Store.Dispose();
        Store = await FragmentStore.OpenAsync(Folder, () => Donated, CancellationToken.None).WaitAsync(StepTimeout);
        SupplierHandlers.Map(SupplierNode.Handlers, Store);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connector in _connectors)
            await connector.DisposeAsync().AsTask().WaitAsync(StepTimeout);
        await Listener.DisposeAsync().AsTask().WaitAsync(StepTimeout);
        Store.Dispose();
        foreach (var node in _nodes)
            node.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>A well-formed fragment (valid header, random payload) at <paramref name="key"/>.</summary>
    public static byte[] Fragment(FragmentKey key, int payloadLength = 1000)
    {
        var header = new FragmentHeader(key.File, key.BlockIndex, key.Position, new ErasureScheme(4, 3), payloadLength,
            RandomNumberGenerator.GetBytes(FragmentHeader.TagSize));
        var bytes = new byte[FragmentHeader.Size + payloadLength];
        header.WriteTo(bytes);
        RandomNumberGenerator.Fill(bytes.AsSpan(FragmentHeader.Size));
        return bytes;
    }

    public static FragmentKey Key(FileVersion file, long block = 0, int position = 0) => new(file, block, position);

    public static byte[] AuditProof(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> stored) => SHA256.HashData([.. nonce, .. stored]);
}
