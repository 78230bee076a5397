using System.Net;
using System.Security.Cryptography;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Relay;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Storage.Protocol;
using BitDust.Engine.Tests.Network.Transport;
using static BitDust.Engine.Tests.Network.Transport.TransportFixture;

namespace BitDust.Engine.Tests.Network.Relay;

public sealed class RelayReceiverTests
{
    [Fact]
    public async Task A_probe_says_whether_the_key_of_the_asking_node_answers_at_the_contact()
    {
        var identities = new Identities();
        await using var router = RouterNode.Start("router-1", identities);
        await using var bob = NatNode.Start("bob", identities);
        using var mallory = identities.Add(TestNode.Create("mallory"));
        await using var malloryListener = mallory.Listen(identities);
        var client = new RouterClient(bob.Connector, new RouterCandidate("router-1", router.Node.At(router.EndPoint)));

        Task<RelayProbeResult> ProbeAsync(string contact) => client.ProbeAsync(contact, CancellationToken.None).WaitAsync(StepTimeout);

        var own = await ProbeAsync($"tcp://127.0.0.1:{bob.Listener.LocalEndPoint.Port}");
        var closed = await ProbeAsync($"tcp://127.0.0.1:{RelayFixture.ClosedPort()}");
        var other = await ProbeAsync($"tcp://127.0.0.1:{malloryListener.LocalEndPoint.Port}");
        var relay = await Assert.ThrowsAsync<PeerRequestException>(() => ProbeAsync("relay://127.0.0.1:7771/router-2"));

        Assert.True(own.Reachable, own.Reason);
        Assert.Contains("found your key there", own.Reason, StringComparison.Ordinal);
        Assert.False(closed.Reachable);
        Assert.Contains("router router-1 could not reach you at tcp://127.0.0.1:", closed.Reason, StringComparison.Ordinal);
        Assert.False(other.Reachable);
        Assert.Contains($"key {mallory.Key.PublicKey.Fingerprint[..16]} answers there, not yours", other.Reason, StringComparison.Ordinal);
        Assert.Equal("router router-1 probes tcp://host:port contacts only, not relay://127.0.0.1:7771/router-2", relay.Reason);
    }

    [Fact]
    public async Task A_node_a_router_can_dial_stays_DIRECT_and_publishes_nothing()
    {
        var identities = new Identities();
        await using var router = RouterNode.Start("router-1", identities);
        await using var bob = NatNode.Start("bob", identities);

        var receiver = bob.StartReceiver(() => [router.EndPoint], $"tcp://127.0.0.1:{bob.Listener.LocalEndPoint.Port}");

        await WaitUntilAsync(() => receiver.State == RelayReceiverState.Direct);
        Assert.Null(receiver.Router);
        Assert.Null(receiver.Contacts);
        Assert.Empty(bob.Published);
        Assert.Empty(router.Router.Routes);
    }

    [Fact]
    public async Task A_node_a_router_cannot_dial_is_routed_and_keeps_its_route_alive_past_the_idle_timeout()
    {
        // Kept every 100 ms (a third of the idle timeout at most), dropped after 1.5 s without: room for a loaded runner's pauses.
        var idle = TimeSpan.FromMilliseconds(1500);
        var identities = new Identities();
        await using var router = RouterNode.Start("router-1", identities, new RelayRouterOptions { RouteIdleTimeout = idle });
        await using var bob = NatNode.Start("bob", identities);

        var receiver = bob.StartReceiver(() => [router.EndPoint], flags: RelayFlags.Supplier);
        await WaitUntilAsync(() => receiver.State == RelayReceiverState.Connected);
        await Task.Delay(idle * 2.5);

        var contact = $"relay://127.0.0.1:{router.EndPoint.Port}/router-1";
        Assert.Equal([contact], Assert.Single(bob.Published));
        Assert.Equal([contact], receiver.Contacts);
        Assert.Equal("router-1", receiver.Router?.Name);
        var route = Assert.Single(router.Router.Routes);
        Assert.True(route.Supplier);
        Assert.True(DateTimeOffset.UtcNow - route.LastKeep < idle, $"last kept at {route.LastKeep:O}");
        var listed = await new RouterClient(bob.Connector, receiver.Router!).ListSuppliersAsync(CancellationToken.None)
            .WaitAsync(StepTimeout);
        Assert.Equal(["bob"], listed);
    }

    [Fact]
    public async Task Without_a_router_that_answers_the_node_says_NO_ROUTERS_and_keeps_looking()
    {
        var identities = new Identities();
        await using var bob = NatNode.Start("bob", identities);
        var routers = new List<EndPoint> { new IPEndPoint(IPAddress.Loopback, RelayFixture.ClosedPort()) };

        var receiver = bob.StartReceiver(() => [.. routers]);
        await WaitUntilAsync(() => receiver.State == RelayReceiverState.NoRouters);
        await using var router = RouterNode.Start("router-1", identities);
        routers.Add(router.EndPoint);

        await WaitUntilAsync(() => receiver.State == RelayReceiverState.Connected);
        Assert.Equal("router-1", receiver.Router?.Name);
    }

    [Fact]
    public async Task When_its_router_goes_away_the_node_moves_to_another_and_a_dialer_reading_its_new_document_reaches_it()
    {
        var identities = new Identities();
        await using var first = RouterNode.Start("router-1", identities);
        await using var second = RouterNode.Start("router-2", identities);
        await using var bob = NatNode.Start("bob", identities);
        using var alice = identities.Add(TestNode.Create("alice"));
        bob.Node.Handlers.MapRequest("echo", (request, _) => ValueTask.FromResult(request.Payload.ToArray()));
        var document = IdentityDocument.Create(bob.Node.Key, "bob", RandomNumberGenerator.GetBytes(IdentityDocument.DhtPublicKeySize),
            [$"tcp://127.0.0.1:{RelayFixture.ClosedPort()}"], [], DateTimeOffset.UtcNow);
        var options = alice.Options with { DialAttempts = 1 };
        await using var connector = new PeerConnector(alice.Credentials, alice.Handlers, options, alice.Log);

        var receiver = bob.StartReceiver(() => [first.EndPoint, second.EndPoint]);
        await WaitUntilAsync(() => bob.Published.Count == 1);
        document = document.WithContacts(bob.Node.Key, bob.Published[0], DateTimeOffset.UtcNow);
        var viaFirst = SupplierContacts.FromDocument(document)!;
        Assert.Equal("router-1", viaFirst.Router);
        Assert.Equal([1], await connector.SendRequestAsync(viaFirst, "echo", new byte[] { 1 }).WaitAsync(StepTimeout));

        await first.StopAsync();
        await WaitUntilAsync(() => bob.Published.Count == 2);
        document = document.WithContacts(bob.Node.Key, bob.Published[1], DateTimeOffset.UtcNow);
        var viaSecond = SupplierContacts.FromDocument(document)!;

        Assert.Equal([$"relay://127.0.0.1:{second.EndPoint.Port}/router-2"], bob.Published[1]);
        Assert.Equal(new PeerContact("bob", bob.Node.Key.PublicKey, second.EndPoint, "router-2"), viaSecond);
        Assert.Equal("router-2", receiver.Router?.Name);
        Assert.Equal(3, document.Revision);
        Assert.Equal([2], await connector.SendRequestAsync(viaSecond, "echo", new byte[] { 2 }).WaitAsync(StepTimeout));
        Assert.Contains(bob.Node.Log.Lines, l => l.Contains("Route through router router-1", StringComparison.Ordinal));
    }
}
