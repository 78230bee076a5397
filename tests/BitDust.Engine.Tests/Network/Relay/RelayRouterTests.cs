using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using BitDust.Engine.Network.Relay;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Tests.Network.Transport;
using static BitDust.Engine.Tests.Network.Transport.TransportFixture;

namespace BitDust.Engine.Tests.Network.Relay;

public sealed class RelayRouterTests
{
    private const int StreamSize = 4 << 20;
    private static readonly byte[] Marker = "MARKER-plaintext-only-the-two-ends-may-read"u8.ToArray();

    [Fact]
    public async Task A_dialer_reaches_a_node_behind_NAT_through_its_router_both_ways_and_the_router_sees_only_TLS()
    {
        var identities = new Identities();
        await using var router = RouterNode.Start("router-1", identities);
        await using var bob = NatNode.Start("bob", identities);
        using var alice = identities.Add(TestNode.Create("alice"));
        var fromAlice = new TaskCompletionSource<byte[]>();
        bob.Node.Handlers.MapRequest("echo", (request, _) => ValueTask.FromResult(request.Payload.ToArray()));
        bob.Node.Handlers.MapStream("upload", async (stream, ct) => fromAlice.SetResult(await HashAsync(stream, ct)));
        var fromBob = new TaskCompletionSource<byte[]>();
        alice.Handlers.MapStream("download", async (stream, ct) => fromBob.SetResult(await HashAsync(stream, ct)));
        bob.StartReceiver(() => [router.EndPoint]);
        await WaitUntilAsync(() => bob.Receiver!.State == RelayReceiverState.Connected);
        await using var tap = new WireTap(router.EndPoint);

        // The router is reached through the tap, so every byte it splices for this tunnel is in tap.Seen.
        await using var connection = await alice.DialAsync(router.Route(bob.Node) with { EndPoint = tap.EndPoint });
        var request = Payload(64 * 1024);
        Assert.Equal(request, await connection.SendRequestAsync("echo", request).WaitAsync(StepTimeout));
        var sent = await SendAsync(connection, "upload");
        Assert.Equal(sent, await fromAlice.Task.WaitAsync(StepTimeout));
        // Bob serves the tunnel as an accepted connection, and talks back over it.
        var accepted = await WaitForAsync(() => bob.Listener.Connections.FirstOrDefault(c => c.PeerIdentity == "alice"));
        var sentBack = await SendAsync(accepted, "download");
        Assert.Equal(sentBack, await fromBob.Task.WaitAsync(StepTimeout));

        var seen = tap.Seen;
        Assert.True(seen.Length > 2 * StreamSize, $"only {seen.Length} bytes went through the router");
        Assert.Equal(-1, seen.AsSpan().IndexOf(Marker));
        Assert.Equal(-1, seen.AsSpan().IndexOf("alice"u8));
        var route = Assert.Single(router.Router.Routes);
        Assert.Equal("bob", route.Identity);
        Assert.True(route.BytesRelayed >= 2 * StreamSize, $"the route counted {route.BytesRelayed} bytes");
    }

    [Fact]
    public async Task Registrations_beyond_the_routes_limit_are_refused_with_the_reason()
    {
        var identities = new Identities();
        await using var router = RouterNode.Start("router-1", identities, new RelayRouterOptions { RoutesLimit = 1 });
        await using var closed = RouterNode.Start("router-2", identities, new RelayRouterOptions { RoutesLimit = 0 });
        await using var carol = NatNode.Start("carol", identities);
        await using var dave = NatNode.Start("dave", identities);

        var (_, idle) = await RegisterAsync(carol, router);
        var refused = await Assert.ThrowsAsync<PeerRequestException>(
            () => RegisterAsync(dave, router));
        var none = await Assert.ThrowsAsync<PeerRequestException>(
            () => RegisterAsync(dave, closed));
        // Registering again takes no second place.
        await RegisterAsync(carol, router);

        Assert.Equal(router.Router.Options.RouteIdleTimeout, idle);
        Assert.Equal("router router-1 routes 1 nodes, its routes-limit; try another router", refused.Reason);
        Assert.Equal("router router-2 routes no nodes (its routes-limit is 0)", none.Reason);
        Assert.Equal("carol", Assert.Single(router.Router.Routes).Identity);
    }

    [Fact]
    public async Task A_route_not_kept_alive_is_dropped_after_the_idle_timeout_and_its_node_is_no_longer_reachable()
    {
        var identities = new Identities();
        var options = new RelayRouterOptions { RouteIdleTimeout = TimeSpan.FromMilliseconds(400) };
        await using var router = RouterNode.Start("router-1", identities, options);
        await using var bob = NatNode.Start("bob", identities);
        using var alice = identities.Add(TestNode.Create("alice"));

        var (connection, _) = await RegisterAsync(bob, router);
        await Client(bob, router).KeepAsync(connection, CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Single(router.Router.Routes);
        await WaitUntilAsync(() => router.Router.Routes.Count == 0);

        Assert.True(connection.IsConnected, "dropping a route leaves the node's connection to the router alone");
        var keep = await Assert.ThrowsAsync<PeerRequestException>(
            () => Client(bob, router).KeepAsync(connection, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Contains("register again", keep.Reason, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<RelayRefusedException>(() => alice.DialAsync(router.Route(bob.Node)));
        Assert.Equal(RelayStatus.NoRoute, error.Status);
        Assert.Contains(router.Node.Log.Lines, l => l.Contains("Route of bob dropped: not kept alive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_route_whose_connection_closes_is_dropped_at_once()
    {
        var identities = new Identities();
        await using var router = RouterNode.Start("router-1", identities);
        await using var bob = NatNode.Start("bob", identities);

        var (connection, _) = await RegisterAsync(bob, router);
        Assert.Single(router.Router.Routes);
        await connection.DisposeAsync().AsTask().WaitAsync(StepTimeout);

        await WaitUntilAsync(() => router.Router.Routes.Count == 0);
    }

    [Fact]
    public async Task An_unknown_target_is_an_error_that_names_the_target_and_the_router()
    {
        var identities = new Identities();
        await using var router = RouterNode.Start("router-1", identities);
        using var alice = identities.Add(TestNode.Create("alice"));
        using var bob = identities.Add(TestNode.Create("bob"));
        var options = alice.Options with { DialAttempts = 1 };
        await using var connector = new PeerConnector(alice.Credentials, alice.Handlers, options, alice.Log);

        var error = await Assert.ThrowsAsync<RelayRefusedException>(
            () => connector.ConnectAsync(router.Route(bob)).AsTask().WaitAsync(StepTimeout));

        Assert.Equal(RelayStatus.NoRoute, error.Status);
        Assert.Equal("router-1", error.Router);
        Assert.StartsWith("bob is not routed by router-1 (no route: no node with key", error.Message, StringComparison.Ordinal);
        // The connector remembers why, for the calls made during its backoff.
        var again = await Assert.ThrowsAsync<IOException>(() => connector.ConnectAsync(router.Route(bob)).AsTask().WaitAsync(StepTimeout));
        Assert.Contains("bob is not routed by router-1", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_router_that_splices_a_tunnel_to_another_key_fails_the_end_to_end_key_check()
    {
        var identities = new Identities();
        using var alice = identities.Add(TestNode.Create("alice"));
        using var bob = identities.Add(TestNode.Create("bob"));
        // Mallory runs a router that says OK to every CONNECT and answers with its own TLS, passing for whoever was asked for.
        using var mallory = identities.Add(TestNode.Create("mallory"));
        await using var malloryListener = mallory.Listen(identities);
        using var lying = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        lying.Bind(AnyLoopbackPort);
        lying.Listen();
        var splice = Task.Run(async () =>
        {
            using var dialer = await lying.AcceptAsync();
            await using var dialerStream = new NetworkStream(dialer);
            var (preamble, _) = await RelayPreamble.ReadAsync(dialerStream, CancellationToken.None);
            Assert.Equal(RelayCommand.Connect, preamble!.Value.Command);
            await dialerStream.WriteAsync(RelayAnswer.Ok.Encode());
            using var tls = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await tls.ConnectAsync(malloryListener.LocalEndPoint);
            await using var tlsStream = new NetworkStream(tls);
            await Task.WhenAny(dialerStream.CopyToAsync(tlsStream), tlsStream.CopyToAsync(dialerStream));
        });

        var contact = new PeerContact("bob", bob.Key.PublicKey, lying.LocalEndPoint!, "mallory");
        var error = await Assert.ThrowsAsync<PeerAuthenticationException>(() => alice.DialAsync(contact));

        Assert.Contains($"presented key {mallory.Key.PublicKey.Fingerprint}, not {bob.Key.PublicKey.Fingerprint}", error.Message,
            StringComparison.Ordinal);
        Assert.Contains("bob at relay://127.0.0.1:", error.Message, StringComparison.Ordinal);
        await splice.WaitAsync(StepTimeout);
    }

    [Fact]
    public async Task A_node_that_refuses_or_never_comes_for_its_tunnel_is_reported_and_a_token_works_once()
    {
        var identities = new Identities();
        var options = new RelayRouterOptions { AcceptTimeout = TimeSpan.FromMilliseconds(500) };
        await using var router = RouterNode.Start("router-1", identities, options);
        await using var bob = NatNode.Start("bob", identities);
        using var alice = identities.Add(TestNode.Create("alice"));
        await RegisterAsync(bob, router);

        // No relay.incoming handler: bob says no.
        var refused = await Assert.ThrowsAsync<RelayRefusedException>(() => alice.DialAsync(router.Route(bob.Node)));
        Assert.Equal(RelayStatus.Refused, refused.Status);
        Assert.Contains("no handler for relay.incoming", refused.Reason, StringComparison.Ordinal);

        // Bob takes the token but does not come within the accept timeout; then comes twice, too late.
        var tokens = new List<byte[]>();
        bob.Node.Handlers.MapRequest(RelayMessages.Incoming, (request, cancellation) =>
        {
            Assert.True(RelayMessages.TryReadIncoming(request.Payload.Span, out var token, out _));
            lock (tokens)
                tokens.Add(token);
            return ValueTask.FromResult(RelayMessages.Empty());
        });
        var timeout = await Assert.ThrowsAsync<RelayRefusedException>(() => alice.DialAsync(router.Route(bob.Node)));
        Assert.Equal(RelayStatus.Timeout, timeout.Status);
        byte[] late;
        lock (tokens)
            late = Assert.Single(tokens);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(router.EndPoint).WaitAsync(StepTimeout);
        var expired = await Assert.ThrowsAsync<RelayRefusedException>(
            () => RelayTunnel.AcceptAsync(socket, late, "router-1", CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal(RelayStatus.UnknownToken, expired.Status);

        // A token is good for one ACCEPT: the first opens the tunnel, a second with the same token finds nothing.
        var second = new TaskCompletionSource<RelayStatus>();
        bob.Node.Handlers.MapRequest("echo", (request, _) => ValueTask.FromResult(request.Payload.ToArray()));
        bob.Node.Handlers.MapRequest(RelayMessages.Incoming, (request, cancellation) =>
        {
            Assert.True(RelayMessages.TryReadIncoming(request.Payload.Span, out var token, out _));
            _ = Task.Run(async () =>
            {
                var first = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await first.ConnectAsync(router.EndPoint);
                await RelayTunnel.AcceptAsync(first, token, "router-1", CancellationToken.None);
                bob.Listener.Accept(first);
                using var again = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await again.ConnectAsync(router.EndPoint);
                try
                {
                    await RelayTunnel.AcceptAsync(again, token, "router-1", CancellationToken.None);
                    second.SetResult(RelayStatus.Ok);
                }
                catch (RelayRefusedException e)
                {
                    second.SetResult(e.Status);
                }
            }, CancellationToken.None);
            return ValueTask.FromResult(RelayMessages.Empty());
        });
        await using var tunnel = await alice.DialAsync(router.Route(bob.Node));
        Assert.Equal([7], await tunnel.SendRequestAsync("echo", new byte[] { 7 }).WaitAsync(StepTimeout));
        Assert.Equal(RelayStatus.UnknownToken, await second.Task.WaitAsync(StepTimeout));
    }

    /// <summary>Registers <paramref name="node"/> with <paramref name="router"/> by hand: its connection and the idle timeout.</summary>
    private static async Task<(PeerConnection Connection, TimeSpan IdleTimeout)> RegisterAsync(NatNode node, RouterNode router)
    {
        var client = Client(node, router);
        var connection = await client.ConnectAsync(CancellationToken.None).AsTask().WaitAsync(StepTimeout);
        return (connection, await client.RegisterAsync(connection, RelayFlags.None, CancellationToken.None).WaitAsync(StepTimeout));
    }

    private static RouterClient Client(NatNode node, RouterNode router) =>
        new(node.Connector, new RouterCandidate(router.Node.Name, router.Node.At(router.EndPoint)));

    private static byte[] Payload(int size)
    {
        var payload = RandomNumberGenerator.GetBytes(size);
        for (var at = 0; at + Marker.Length <= size; at += 4096)
            Marker.CopyTo(payload, at);
        return payload;
    }

    /// <summary>Streams <see cref="StreamSize"/> bytes carrying the marker and returns their SHA-256.</summary>
    private static async Task<byte[]> SendAsync(PeerConnection connection, string kind)
    {
        await using var writer = await connection.OpenStreamAsync(kind, default).AsTask().WaitAsync(StepTimeout);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var sent = 0; sent < StreamSize; sent += 1 << 20)
        {
            var chunk = Payload(1 << 20);
            hash.AppendData(chunk);
            await writer.WriteAsync(chunk).AsTask().WaitAsync(StepTimeout);
        }
        await writer.CompleteAsync().AsTask().WaitAsync(StepTimeout);
        return hash.GetHashAndReset();
    }

    private static async Task<byte[]> HashAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            hash.AppendData(buffer, 0, read);
        return hash.GetHashAndReset();
    }
}
