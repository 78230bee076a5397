using BitDust.Engine.Network.Transport;
using static BitDust.Engine.Tests.Network.Transport.TransportFixture;

namespace BitDust.Engine.Tests.Network.Transport;

[Collection(KeepAliveCollection.Name)]
public sealed class KeepAliveAndReconnectTests
{
    private static readonly TransportOptions Brisk = new()
    {
        PingInterval = TimeSpan.FromMilliseconds(50),
        IdleTimeout = TimeSpan.FromMilliseconds(400),
        ReconnectBaseDelay = TimeSpan.FromMilliseconds(50),
        DialAttempts = 8,
    };

    [Fact]
    public async Task A_peer_that_answers_pings_stays_connected()
    {
        // Fifteen pings per idle period: a test process whose thread pool is busy with other tests (FsCheck on both cores) may
        // hold a few up, not all.
        var patient = Brisk with { PingInterval = TimeSpan.FromMilliseconds(200), IdleTimeout = TimeSpan.FromSeconds(3) };
        using var alice = TestNode.Create("alice", patient);
        using var bob = TestNode.Create("bob", patient);
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));
        await using var connection = await alice.DialAsync(bob.At(listener.LocalEndPoint));

        await Task.Delay(patient.IdleTimeout * 2);

        Assert.True(connection.IsConnected);
        Assert.Single(listener.Connections);
    }

    [Fact]
    public async Task A_silent_peer_is_detected_and_dropped()
    {
        using var alice = TestNode.Create("alice", Brisk);
        using var bob = TestNode.Create("bob", Brisk);
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));

        // Authenticates, then never sends a byte: not even a pong.
        await using var silent = await HandshakeByHandAsync(alice, listener.LocalEndPoint);
        await WaitUntilAsync(() => listener.Connections.Count == 1);

        await WaitUntilAsync(() => listener.Connections.Count == 0);
        Assert.Contains(bob.Log.Lines, l => l.Contains("alice", StringComparison.Ordinal) && l.Contains("sent nothing", StringComparison.Ordinal));
        Assert.True(await ClosedByPeerAsync(silent));
    }

    [Fact]
    public async Task The_connector_redials_with_backoff_once_the_listener_is_back_on_its_port()
    {
        using var alice = TestNode.Create("alice", Brisk);
        using var bob = TestNode.Create("bob", Brisk);
        bob.Handlers.MapRequest("ping", (_, _) => ValueTask.FromResult(new byte[] { 1 }));
        var identities = new KnownIdentities(alice, bob);
        await using var connector = new PeerConnector(alice.Credentials, alice.Handlers, Brisk, alice.Log);

        var listener = bob.Listen(identities);
        var endPoint = listener.LocalEndPoint;
        var peer = bob.At(endPoint);
        var first = await connector.ConnectAsync(peer).AsTask().WaitAsync(StepTimeout);
        Assert.Equal([1], await connector.SendRequestAsync(peer, "ping", default).WaitAsync(StepTimeout));

        await listener.DisposeAsync();
        await first.Completion.WaitAsync(StepTimeout);
        // The request starts while nobody listens; the connector keeps dialing until the node is back.
        var request = connector.SendRequestAsync(peer, "ping", default);
        await Task.Delay(300);
        await using var restarted = bob.Listen(identities, endPoint);

        Assert.Equal([1], await request.WaitAsync(StepTimeout));
        Assert.NotSame(first, await connector.ConnectAsync(peer).AsTask().WaitAsync(StepTimeout));
        Assert.Contains(alice.Log.Lines, l => l.Contains("Dial 1 to bob", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_peer_that_stays_down_fails_the_next_calls_at_once_until_its_backoff_ends_then_is_dialed_again()
    {
        var options = Brisk with { DialAttempts = 3, ReconnectBaseDelay = TimeSpan.FromMilliseconds(200) };
        using var alice = TestNode.Create("alice", options);
        using var bob = TestNode.Create("bob", options);
        bob.Handlers.MapRequest("ping", (_, _) => ValueTask.FromResult(new byte[] { 1 }));
        var identities = new KnownIdentities(alice, bob);
        await using var connector = new PeerConnector(alice.Credentials, alice.Handlers, options, alice.Log);
        var listener = bob.Listen(identities);
        var endPoint = listener.LocalEndPoint;
        var peer = bob.At(endPoint);
        await listener.DisposeAsync();

        // Three dials, waiting 200 and 400 ms between them: the call gives up within a second or two.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<Exception>(() => connector.SendRequestAsync(peer, "ping", default).WaitAsync(StepTimeout));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
        int Dials() => alice.Log.Lines.Count(l =>
            l.Contains("Dial ", StringComparison.Ordinal) && l.Contains(" to bob ", StringComparison.Ordinal));
        var dials = Dials();
        Assert.Equal(3, dials);

        // Within the carried-over backoff (about 0.8 s after 3 failures) a call is refused at once, without a dial.
        clock.Restart();
        var refused = await Assert.ThrowsAsync<IOException>(() => connector.SendRequestAsync(peer, "ping", default).WaitAsync(StepTimeout));
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"the call waited {clock.Elapsed}");
        Assert.Contains("is unreachable", refused.Message, StringComparison.Ordinal);
        Assert.Equal(dials, Dials());

        // Once bob is back and the backoff is over, the next call dials and gets through.
        await using var restarted = bob.Listen(identities, endPoint);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal([1], await connector.SendRequestAsync(peer, "ping", default).WaitAsync(StepTimeout));
    }
}
