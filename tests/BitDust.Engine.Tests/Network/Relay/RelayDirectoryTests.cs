using System.Net;
using System.Security.Cryptography;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Dht;
using BitDust.Engine.Network.Relay;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Storage.Protocol;
using BitDust.Engine.Tests.Network.Dht;
using BitDust.Engine.Tests.Network.Transport;
using BitDust.Engine.Tests.Storage.Protocol;
using static BitDust.Engine.Tests.Network.Transport.TransportFixture;

namespace BitDust.Engine.Tests.Network.Relay;

[Collection(DhtNetworkCollection.Name)]
public sealed class RelayDirectoryTests
{
    private const long Donated = 64L << 20;

    [Fact]
    public async Task The_directory_finds_a_supplier_behind_NAT_through_the_routers_in_the_DHT_once_however_it_was_announced()
    {
        await using var cluster = new DhtCluster();
        var genesis = await cluster.StartGenesisAsync();
        var announcer = await cluster.StartJoiningAsync(genesis);
        await using var harness = await SupplierHarness.StartAsync(Donated, "alice");
        var alice = harness.Node("alice");
        await using var router = RouterNode.Start(TestNode.Create("router-1"), harness.Resolver);
        await using var supplierConnector = new PeerConnector(harness.SupplierNode.Credentials, harness.SupplierNode.Handlers,
            harness.SupplierNode.Options, harness.SupplierNode.Log);
        await using var receiver = new RelayReceiver(supplierConnector, harness.Listener, harness.SupplierNode.Handlers,
            _ => Task.FromResult<IReadOnlyList<EndPoint>>([router.EndPoint]), directContact: null, RelayFlags.Supplier,
            (_, _) => Task.CompletedTask, RelayFixture.FastReceiver);
        receiver.Start();
        await WaitUntilAsync(() => receiver.State == RelayReceiverState.Connected);
        var documents = new Dictionary<string, IdentityDocument>
        {
            ["supplier"] = IdentityDocument.Create(harness.SupplierNode.Key, "supplier",
                RandomNumberGenerator.GetBytes(IdentityDocument.DhtPublicKeySize), receiver.Contacts!, [], DateTimeOffset.UtcNow),
        };
        // The router is announced; the supplier is announced at an address nobody can dial, and once where it does answer.
        var suppliers = DhtInfoHash.Suppliers(DhtInfoHash.DefaultNetwork);
        await AnnounceAsync(announcer, DhtInfoHash.Routers(DhtInfoHash.DefaultNetwork), router.EndPoint.Port);
        await AnnounceAsync(announcer, suppliers, RelayFixture.ClosedPort());
        var options = alice.Options with { DialAttempts = 1 };
        await using var connector = new PeerConnector(alice.Credentials, alice.Handlers, options, alice.Log);
        var directory = new SupplierDirectory(genesis, connector, (name, _) => Task.FromResult(documents.GetValueOrDefault(name)));

        var viaRouter = Assert.Single(await directory.FindAsync(new HashSet<string>(), CancellationToken.None).WaitAsync(StepTimeout));
        await AnnounceAsync(announcer, suppliers, harness.Listener.LocalEndPoint.Port);
        var bothWays = Assert.Single(await directory.FindAsync(new HashSet<string>(), CancellationToken.None).WaitAsync(StepTimeout));

        Assert.Equal(new PeerContact("supplier", harness.SupplierNode.Key.PublicKey, router.EndPoint, "router-1"), viaRouter.Contact);
        Assert.Equal(new SpaceOffer(Donated, Donated), viaRouter.Offer);
        Assert.Equal(viaRouter.Contact, bothWays.Contact);
        Assert.Empty(await directory.FindAsync(new HashSet<string> { "supplier" }, CancellationToken.None).WaitAsync(StepTimeout));
    }

    private static async Task AnnounceAsync(DhtNode node, NodeId infoHash, int port) =>
        Assert.True((await node.AnnounceAsync(infoHash, port, CancellationToken.None).WaitAsync(StepTimeout)).Copies > 0);
}
