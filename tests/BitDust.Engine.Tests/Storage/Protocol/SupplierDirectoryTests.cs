using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Dht;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Storage.Protocol;
using BitDust.Engine.Tests.Network.Dht;
using BitDust.Engine.Tests.Network.Transport;
using static BitDust.Engine.Tests.Storage.Protocol.SupplierHarness;

namespace BitDust.Engine.Tests.Storage.Protocol;

[Collection(DhtNetworkCollection.Name)]
public sealed class SupplierDirectoryTests
{
    private const long Donated = 64L << 20;

    [Fact]
    public async Task IdentifyAsync_returns_the_name_the_acceptor_claims_and_the_key_it_proved()
    {
        await using var harness = await StartAsync(Donated, "alice");
        var alice = harness.Node("alice");

        var (identity, key) = await PeerConnection
            .IdentifyAsync(harness.Listener.LocalEndPoint, alice.Credentials, null, CancellationToken.None)
            .WaitAsync(StepTimeout);

        Assert.Equal("supplier", identity);
        Assert.Equal(harness.SupplierNode.Key.PublicKey, key);
    }

    [Fact]
    public async Task IdentifyAsync_fails_when_the_acceptor_does_not_accept_our_identity()
    {
        await using var harness = await StartAsync(Donated, "alice");
        using var stranger = TestNode.Create("stranger");

        await Assert.ThrowsAsync<PeerAuthenticationException>(() =>
            PeerConnection.IdentifyAsync(harness.Listener.LocalEndPoint, stranger.Credentials, null, CancellationToken.None))
                .WaitAsync(StepTimeout);
    }

    [Fact]
    public void Contacts_come_from_the_first_tcp_contact_of_an_identity_document_else_from_its_first_relay_contact()
    {
        using var key = TestNode.Create("bob");
        var document = Document(key, "bob", "relay://router.example.org:7771/router-1", "tcp://127.0.0.1:7771", "tcp://[::1]:7772");

        var contact = SupplierContacts.FromDocument(document);

        Assert.Equal(new PeerContact("bob", key.Key.PublicKey, new IPEndPoint(IPAddress.Loopback, 7771)), contact);
        Assert.Equal(new PeerContact("bob", key.Key.PublicKey, new DnsEndPoint("router.example.org", 7771), "router-1"),
            SupplierContacts.FromDocument(Document(key, "bob", "relay://router/bob", "relay://router.example.org:7771/router-1")));
        Assert.Null(SupplierContacts.FromDocument(Document(key, "bob", "relay://router/bob", "http://host:80/x")));
        Assert.True(TcpContact.TryParse("tcp://supplier.example.org:80", out var named));
        Assert.Equal(new DnsEndPoint("supplier.example.org", 80), named);
        Assert.True(TcpContact.TryParse("tcp://[::1]:7772", out var v6));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 7772), v6);
        foreach (var bad in new[] { "tcp://host", "http://host:80", "tcp://host:80/path", "tcp://user@host:80", "host:80", "tcp://:80" })
            Assert.False(TcpContact.TryParse(bad, out _), bad);
    }

    [Fact]
    public async Task The_directory_finds_announced_suppliers_that_prove_their_identity_and_skips_impostors_dead_addresses_and_exclusions()
    {
        await using var cluster = new DhtCluster();
        var genesis = await cluster.StartGenesisAsync();
        var announcer = await cluster.StartJoiningAsync(genesis);
        await using var harness = await StartAsync(Donated, "alice");
        var alice = harness.Node("alice");

        // Someone else's node that claims to be the supplier, and an address where nothing listens any more.
        using var impostor = TestNode.Impostor("supplier");
        await using var impostorListener = impostor.Listen(new KnownIdentities(alice));
        var deadPort = FreePort();

        var documents = new Dictionary<string, IdentityDocument>
        {
            ["supplier"] = Document(harness.SupplierNode, "supplier", $"tcp://127.0.0.1:{harness.Listener.LocalEndPoint.Port}"),
        };
        var suppliers = DhtInfoHash.Suppliers(DhtInfoHash.DefaultNetwork);
        foreach (var port in new[] { harness.Listener.LocalEndPoint.Port, impostorListener.LocalEndPoint.Port, deadPort })
            Assert.True((await announcer.AnnounceAsync(suppliers, port, CancellationToken.None).WaitAsync(StepTimeout)).Copies > 0);

        var options = alice.Options with { DialAttempts = 1 };
        await using var connector = new PeerConnector(alice.Credentials, alice.Handlers, options, alice.Log);
        var directory = new SupplierDirectory(genesis, connector, (name, _) => Task.FromResult(documents.GetValueOrDefault(name)));

        var found = await directory.FindAsync(new HashSet<string>(), CancellationToken.None).WaitAsync(StepTimeout);

        var candidate = Assert.Single(found);
        Assert.Equal(harness.Contact, candidate.Contact);
        Assert.Equal(new SpaceOffer(Donated, Donated), candidate.Offer);
        Assert.Same(documents["supplier"], candidate.Identity);
        Assert.Empty(await directory.FindAsync(new HashSet<string> { "supplier" }, CancellationToken.None).WaitAsync(StepTimeout));
    }

    private static IdentityDocument Document(TestNode node, string name, params string[] contacts) =>
        IdentityDocument.Create(node.Key, name, RandomNumberGenerator.GetBytes(IdentityDocument.DhtPublicKeySize), contacts, [],
            DateTimeOffset.UtcNow);

    private static int FreePort()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
