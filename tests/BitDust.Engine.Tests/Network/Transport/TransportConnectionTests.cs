using System.Diagnostics;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using BitDust.Engine.Network.Transport;
using Xunit.Abstractions;
using static BitDust.Engine.Tests.Network.Transport.TransportFixture;

namespace BitDust.Engine.Tests.Network.Transport;

public sealed class TransportConnectionTests(ITestOutputHelper output)
{
    private static ValueTask<byte[]> WhoAmI(IncomingRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Encoding.UTF8.GetBytes(request.Peer));

    [Fact]
    public async Task Both_sides_authenticate_over_TLS_13_and_learn_each_others_identity()
    {
        using var alice = TestNode.Create("alice");
        using var bob = TestNode.Create("bob");
        alice.Handlers.MapRequest("whoami", WhoAmI);
        bob.Handlers.MapRequest("whoami", WhoAmI);
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));

        await using var dialed = await alice.DialAsync(bob.At(listener.LocalEndPoint));
        var accepted = await WaitForAsync(() => listener.Connections.SingleOrDefault());

        Assert.Equal(SslProtocols.Tls13, dialed.TlsProtocol);
        Assert.Equal(("bob", bob.Key.PublicKey), (dialed.PeerIdentity, dialed.PeerKey));
        Assert.Equal(("alice", alice.Key.PublicKey), (accepted.PeerIdentity, accepted.PeerKey));
        // Requests go both ways on the one connection, and each handler sees the authenticated caller.
        Assert.Equal("alice", Encoding.UTF8.GetString(await dialed.SendRequestAsync("whoami", default).WaitAsync(StepTimeout)));
        Assert.Equal("bob", Encoding.UTF8.GetString(await accepted.SendRequestAsync("whoami", default).WaitAsync(StepTimeout)));
    }

    [Fact]
    public async Task As_many_concurrent_requests_as_a_peer_may_run_share_one_connection_and_each_gets_its_own_answer()
    {
        using var alice = TestNode.Create("alice");
        using var bob = TestNode.Create("bob");
        bob.Handlers.MapRequest("echo", async (request, ct) =>
        {
            // Uneven delays make the answers come back out of order.
            await Task.Delay(Random.Shared.Next(0, 30), ct);
            return request.Payload.ToArray();
        });
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));
        await using var connector = new PeerConnector(alice.Credentials, alice.Handlers, alice.Options, alice.Log);
        var peer = bob.At(listener.LocalEndPoint);

        var answers = await Task.WhenAll(Enumerable.Range(0, bob.Options.MaxIncomingRequests).Select(async i =>
            (i, answer: await connector.SendRequestAsync(peer, "echo", Encoding.UTF8.GetBytes($"request {i}"))))).WaitAsync(StepTimeout);

        Assert.All(answers, a => Assert.Equal($"request {a.i}", Encoding.UTF8.GetString(a.answer)));
        Assert.Single(listener.Connections);
        Assert.Same(await connector.ConnectAsync(peer).AsTask().WaitAsync(StepTimeout), await connector.ConnectAsync(peer).AsTask().WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task Errors_and_unknown_kinds_come_back_as_request_errors_and_the_connection_stays_up()
    {
        using var alice = TestNode.Create("alice");
        using var bob = TestNode.Create("bob");
        bob.Handlers.MapRequest("fail", (_, _) => throw new InvalidOperationException("boom"));
        bob.Handlers.MapRequest("echo", (request, _) => ValueTask.FromResult(request.Payload.ToArray()));
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));
        await using var connection = await alice.DialAsync(bob.At(listener.LocalEndPoint));

        var failed = await Assert.ThrowsAsync<PeerRequestException>(() => connection.SendRequestAsync("fail", default).WaitAsync(StepTimeout));
        var unknown = await Assert.ThrowsAsync<PeerRequestException>(() => connection.SendRequestAsync("nothing", default).WaitAsync(StepTimeout));

        Assert.Contains("fail handler failed", failed.Message, StringComparison.Ordinal);
        Assert.Contains("no handler for nothing", unknown.Message, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], await connection.SendRequestAsync("echo", new byte[] { 1, 2, 3 }).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task A_request_times_out_or_is_cancelled_alone_and_its_late_answer_is_dropped()
    {
        var brief = new TransportOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) };
        using var alice = TestNode.Create("alice", brief);
        using var bob = TestNode.Create("bob");
        bob.Handlers.MapRequest("slow", async (request, ct) =>
        {
            await Task.Delay(500, ct);
            return request.Payload.ToArray();
        });
        bob.Handlers.MapRequest("echo", (request, _) => ValueTask.FromResult(request.Payload.ToArray()));
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));
        await using var connection = await alice.DialAsync(bob.At(listener.LocalEndPoint));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAsync<TimeoutException>(() => connection.SendRequestAsync("slow", new byte[] { 1 }).WaitAsync(StepTimeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => connection.SendRequestAsync("slow", new byte[] { 2 }, cancel.Token).WaitAsync(StepTimeout));
        await Task.Delay(600);

        Assert.True(connection.IsConnected);
        Assert.Equal([3], await connection.SendRequestAsync("echo", new byte[] { 3 }).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task A_64_MiB_stream_to_a_slow_reader_arrives_exactly_and_never_buffers_more_than_one_window()
    {
        const int size = 64 << 20;
        using var alice = TestNode.Create("alice");
        using var bob = TestNode.Create("bob");
        var received = new TaskCompletionSource<(long Length, byte[] Hash, long PeakBuffered, string Header)>();
        bob.Handlers.MapStream("fragment.put", async (stream, ct) =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[16 * 1024];
            long length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
                // A reader slower than the sender: a pause every 512 KiB.
                if (length % (512 * 1024) < read)
                    await Task.Delay(2, ct);
            }
            received.SetResult((length, hash.GetHashAndReset(), stream.PeakBufferedBytes, Encoding.UTF8.GetString(stream.Header.Span)));
        });
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));
        await using var connection = await alice.DialAsync(bob.At(listener.LocalEndPoint));

        var sent = await SendAsync(connection, size, "fragment 7");
        var (length, hash, peakBuffered, header) = await received.Task.WaitAsync(StepTimeout);

        Assert.Equal((long)size, length);
        Assert.Equal(sent, hash);
        Assert.Equal("fragment 7", header);
        Assert.InRange(peakBuffered, 1, FrameHeader.StreamWindow);
    }

    [Fact]
    public async Task A_reader_that_stops_reading_stops_the_sender_at_one_window()
    {
        using var alice = TestNode.Create("alice");
        using var bob = TestNode.Create("bob");
        var opened = new TaskCompletionSource<PeerStreamReader>();
        var release = new TaskCompletionSource();
        bob.Handlers.MapStream("stall", async (stream, ct) =>
        {
            opened.SetResult(stream);
            await release.Task.WaitAsync(ct);
            await stream.CopyToAsync(Stream.Null, ct);
        });
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));
        await using var connection = await alice.DialAsync(bob.At(listener.LocalEndPoint));
        await using var writer = await connection.OpenStreamAsync("stall", default).AsTask().WaitAsync(StepTimeout);
        var reader = await opened.Task.WaitAsync(StepTimeout);

        var write = writer.WriteAsync(new byte[4 << 20]).AsTask();
        await WaitUntilAsync(() => reader.PeakBufferedBytes == FrameHeader.StreamWindow);
        await Task.Delay(300);

        Assert.False(write.IsCompleted);
        Assert.Equal(FrameHeader.StreamWindow, reader.PeakBufferedBytes);
        release.SetResult();
        await write.WaitAsync(StepTimeout);
        await writer.CompleteAsync().AsTask().WaitAsync(StepTimeout);
    }

    [Fact]
    public async Task Single_stream_throughput_on_loopback()
    {
        const int size = 64 << 20;
        using var alice = TestNode.Create("alice");
        using var bob = TestNode.Create("bob");
        var done = new TaskCompletionSource<long>();
        bob.Handlers.MapStream("sink", async (stream, ct) =>
        {
            var buffer = new byte[64 * 1024];
            long length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
                length += read;
            done.SetResult(length);
        });
        await using var listener = bob.Listen(new KnownIdentities(alice, bob));
        await using var connection = await alice.DialAsync(bob.At(listener.LocalEndPoint));

        var clock = Stopwatch.StartNew();
        await SendAsync(connection, size, "");
        Assert.Equal(size, await done.Task.WaitAsync(StepTimeout));
        output.WriteLine($"{size >> 20} MiB in {clock.Elapsed.TotalMilliseconds:F0} ms: {size / clock.Elapsed.TotalSeconds / (1 << 20):F0} MiB/s");
    }

    /// <summary>Streams <paramref name="size"/> pseudo-random bytes in 1 MiB writes and returns their SHA-256.</summary>
    private static async Task<byte[]> SendAsync(PeerConnection connection, int size, string header)
    {
        var kind = header.Length == 0 ? "sink" : "fragment.put";
        await using var writer = await connection.OpenStreamAsync(kind, Encoding.UTF8.GetBytes(header)).AsTask().WaitAsync(StepTimeout);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var random = new Random(size);
        var chunk = new byte[1 << 20];
        for (var sent = 0; sent < size; sent += chunk.Length)
        {
            random.NextBytes(chunk);
            hash.AppendData(chunk);
            await writer.WriteAsync(chunk).AsTask().WaitAsync(StepTimeout);
        }
        await writer.CompleteAsync().AsTask().WaitAsync(StepTimeout);
        return hash.GetHashAndReset();
    }
}
