using System.Buffers.Binary;
using System.Net.Sockets;
using BitDust.Engine.Network.Transport;
using FsCheck;
using FsCheck.Fluent;
using static BitDust.Engine.Tests.Network.Transport.TransportFixture;

namespace BitDust.Engine.Tests.Network.Transport;

public sealed class TransportGarbageTests
{
    /// <summary>What a hostile or broken peer sends after authenticating, and whether it then ends its side.</summary>
    public sealed record Garbage(string What, byte[] Bytes, bool EndsAfter);

    private static byte[] Header(uint length, byte version, byte type, ushort reserved, uint id)
    {
        var header = new byte[FrameHeader.Size];
        BinaryPrimitives.WriteUInt32BigEndian(header, length);
        header[4] = version;
        header[5] = type;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), reserved);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), id);
        return header;
    }

    private static readonly Gen<uint> Ids = Gen.Choose(1, int.MaxValue).Select(i => (uint)i);

    private static readonly Gen<Garbage> Frames = Gen.OneOf(
        from length in Gen.Choose(FrameHeader.MaxPayload + 1, int.MaxValue)
        from type in Gen.Elements(FrameType.Request, FrameType.Response, FrameType.StreamOpen)
        from id in Ids
        select new Garbage($"oversized {type} of {length}", Header((uint)length, 1, (byte)type, 0, id), false),
        from length in Gen.Choose(FrameHeader.MaxStreamData + 1, FrameHeader.MaxPayload)
        from id in Ids
        select new Garbage($"oversized data of {length}", Header((uint)length, 1, (byte)FrameType.StreamData, 0, id), false),
        from version in Gen.Choose(0, 255).Where(v => v != FrameHeader.CurrentVersion)
        select new Garbage($"version {version}", Header(0, (byte)version, (byte)FrameType.Response, 0, 1), false),
        from type in Gen.Choose(0, 255).Where(t => !FrameHeader.TryGetBounds((FrameType)t, out _, out _, out _))
        select new Garbage($"type {type}", Header(0, 1, (byte)type, 0, 1), false),
        from reserved in Gen.Choose(1, ushort.MaxValue)
        select new Garbage($"reserved {reserved}", Header(8, 1, (byte)FrameType.Ping, (ushort)reserved, 0), false),
        from length in Gen.Choose(2, 4096)
        from cut in Gen.Choose(0, 4095)
        from id in Ids
        let sent = Math.Min(cut, length - 1)
        select new Garbage($"request of {length} cut at {sent}",
            [.. Header((uint)length, 1, (byte)FrameType.Request, 0, id), .. new byte[sent]], true),
        from cut in Gen.Choose(1, FrameHeader.Size - 1)
        select new Garbage($"header cut at {cut}", Header(8, 1, (byte)FrameType.Ping, 0, 0)[..cut], true),
        from id in Ids
        select new Garbage($"data for unopened stream {id}", [.. Header(1, 1, (byte)FrameType.StreamData, 0, id), 0], false),
        from id in Ids
        select new Garbage($"answer to unsent request {id}", Header(0, 1, (byte)FrameType.Response, 0, id), false),
        Gen.Constant(new Garbage("a second hello", [.. Header(1, 1, (byte)FrameType.Hello, 0, 0), (byte)'x'], false)),
        from noise in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Where(b => b.Length >= FrameHeader.Size)
        select new Garbage("noise", [.. noise[..4], 0, .. noise[5..]], false));

    [Fact]
    public async Task Garbage_frames_close_the_connection_with_a_protocol_error_and_the_listener_keeps_serving()
    {
        using var alice = TestNode.Create("alice");
        using var bob = TestNode.Create("bob");
        bob.Handlers.MapRequest("ping", (_, _) => ValueTask.FromResult(new byte[] { 1 }));
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));

        foreach (var garbage in Frames.Sample(60))
        {
            var errorsBefore = bob.Log.Count("Protocol error");
            await using (var ssl = await HandshakeByHandAsync(alice, listener.LocalEndPoint))
            {
                await ssl.WriteAsync(garbage.Bytes).AsTask().WaitAsync(StepTimeout);
                if (garbage.EndsAfter)
                    await ssl.ShutdownAsync().WaitAsync(StepTimeout);
                Assert.True(await ClosedByPeerAsync(ssl), $"{garbage.What}: the connection stayed open");
            }
            Assert.True(bob.Log.Count("Protocol error") == errorsBefore + 1, $"{garbage.What}: no protocol error logged");
        }

        await WaitUntilAsync(() => listener.Connections.Count == 0);
        await using var genuine = await alice.DialAsync(bob.At(listener.LocalEndPoint));
        Assert.Equal([1], await genuine.SendRequestAsync("ping", default).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task A_client_that_does_not_speak_TLS_is_dropped_and_does_not_disturb_the_listener()
    {
        using var alice = TestNode.Create("alice");
        // Noise that looks like the start of a TLS record leaves the server waiting for the rest, until this timeout.
        using var bob = TestNode.Create("bob", new TransportOptions { HandshakeTimeout = TimeSpan.FromSeconds(1) });
        bob.Handlers.MapRequest("ping", (_, _) => ValueTask.FromResult(new byte[] { 1 }));
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));
        await using var genuine = await alice.DialAsync(bob.At(listener.LocalEndPoint));

        foreach (var noise in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Where(b => b.Length > 0).Sample(10))
        {
            using var raw = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await raw.ConnectAsync(listener.LocalEndPoint).WaitAsync(StepTimeout);
            await using var stream = new NetworkStream(raw);
            await stream.WriteAsync(noise).AsTask().WaitAsync(StepTimeout);
            Assert.True(await ClosedByPeerAsync(stream));
            Assert.Equal([1], await genuine.SendRequestAsync("ping", default).WaitAsync(StepTimeout));
        }

        Assert.Equal(10, bob.Log.Count("Handshake with"));
        await using var another = await alice.DialAsync(bob.At(listener.LocalEndPoint));
        Assert.Equal([1], await another.SendRequestAsync("ping", default).WaitAsync(StepTimeout));
    }
}
