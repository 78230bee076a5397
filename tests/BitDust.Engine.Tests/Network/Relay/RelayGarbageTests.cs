using System.Net.Sockets;
using BitDust.Engine.Crypto;
using BitDust.Engine.Network.Relay;
using BitDust.Engine.Tests.Network.Transport;
using FsCheck;
using FsCheck.Fluent;
using static BitDust.Engine.Tests.Network.Transport.TransportFixture;

namespace BitDust.Engine.Tests.Network.Relay;

public sealed class RelayGarbageTests
{
    private static readonly Gen<byte[]> Bytes = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));

    /// <summary>What a hostile or broken client sends to a router's port instead of TLS.</summary>
    private static readonly Gen<byte[]> Garbage = Gen.OneOf(
        Bytes.Select(tail => (byte[])[(byte)'B', .. tail]),
        from version in Gen.Choose(0, 255)
        from command in Gen.Choose(0, 255)
        from tail in Bytes
        select (byte[])[.. RelayPreamble.Magic, (byte)version, (byte)command, .. tail],
        from cut in Gen.Choose(1, RelayPreamble.MaxSize - 1)
        select RelayPreamble.Connect(new byte[IdentityPublicKey.FingerprintSize])[..cut],
        from fingerprint in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), IdentityPublicKey.FingerprintSize)
        select RelayPreamble.Connect(fingerprint),
        from token in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), RelayPreamble.TokenSize)
        select RelayPreamble.Accept(token),
        Bytes.Where(b => b.Length > 0 && b[0] != 0x16));

    [Fact]
    public async Task Garbage_on_the_router_port_gets_a_refusal_or_a_closed_socket_and_the_router_keeps_relaying_and_serving_TLS()
    {
        var identities = new Identities();
        var options = new RelayRouterOptions { PreambleTimeout = TimeSpan.FromSeconds(1) };
        await using var router = RouterNode.Start("router-1", identities, options);
        await using var bob = NatNode.Start("bob", identities);
        using var alice = identities.Add(TestNode.Create("alice"));
        bob.Node.Handlers.MapRequest("echo", (request, _) => ValueTask.FromResult(request.Payload.ToArray()));
        bob.StartReceiver(() => [router.EndPoint]);
        await WaitUntilAsync(() => bob.Receiver!.State == RelayReceiverState.Connected);

        foreach (var garbage in Garbage.Sample(80))
        {
            var answer = await SendAndReadAsync(router, garbage);
            if (answer.Length == 0)
                continue;
            Assert.True(RelayAnswer.TryRead(answer, out var refusal, out var error), $"{Convert.ToHexString(garbage)}: {error}");
            Assert.NotEqual(RelayStatus.Ok, refusal.Status);
            Assert.NotEmpty(refusal.Reason);
        }

        await using var tunnel = await alice.DialAsync(router.Route(bob.Node));
        Assert.Equal([9], await tunnel.SendRequestAsync("echo", new byte[] { 9 }).WaitAsync(StepTimeout));
        router.Node.Handlers.MapRequest("ping", (_, _) => ValueTask.FromResult(new byte[] { 1 }));
        await using var direct = await alice.DialAsync(router.Node.At(router.EndPoint));
        Assert.Equal([1], await direct.SendRequestAsync("ping", default).WaitAsync(StepTimeout));
        Assert.Single(router.Router.Routes);
        Assert.DoesNotContain(router.Node.Log.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_that_is_no_router_closes_a_relay_preamble_with_a_log_line_and_keeps_serving()
    {
        using var alice = TestNode.Create("alice");
        using var bob = TestNode.Create("bob");
        bob.Handlers.MapRequest("ping", (_, _) => ValueTask.FromResult(new byte[] { 1 }));
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));

        using var raw = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(listener.LocalEndPoint).WaitAsync(StepTimeout);
        await using var stream = new NetworkStream(raw);
        await stream.WriteAsync(RelayPreamble.Connect(new byte[IdentityPublicKey.FingerprintSize])).AsTask().WaitAsync(StepTimeout);

        Assert.True(await ClosedByPeerAsync(stream));
        Assert.Equal(1, bob.Log.Count("this node serves no relay"));
        await using var genuine = await alice.DialAsync(bob.At(listener.LocalEndPoint));
        Assert.Equal([1], await genuine.SendRequestAsync("ping", default).WaitAsync(StepTimeout));
    }

    /// <summary>Sends <paramref name="garbage"/>, ends the sending side, and returns what came back before the router closed.</summary>
    private static async Task<byte[]> SendAndReadAsync(RouterNode router, byte[] garbage)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(router.EndPoint).WaitAsync(StepTimeout);
        await using var stream = new NetworkStream(socket);
        using var received = new MemoryStream();
        try
        {
            await stream.WriteAsync(garbage).AsTask().WaitAsync(StepTimeout);
            socket.Shutdown(SocketShutdown.Send);
            await stream.CopyToAsync(received).WaitAsync(StepTimeout);
        }
        catch (IOException)
        {
            // Reset by the router after its answer, or before reading everything: what arrived is what it said.
        }
        return received.ToArray();
    }
}
