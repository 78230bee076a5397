using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BitDust.Engine.Crypto;
using BitDust.Engine.Identity;
using BitDust.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using static BitDust.Engine.Tests.Identity.IdentityFixture;

namespace BitDust.Engine.Tests.Identity;

public sealed class IdentityServerTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly IdentityKey _alice = IdentityKey.Generate();
    private readonly IdentityKey _mallory = IdentityKey.Generate();
    private readonly HttpClient _http = new() { Timeout = StepTimeout };
    private IdentityStore _store = null!;
    private IdentityServer _server = null!;

    private IdentityClient Client => new(_http);

    public async Task InitializeAsync()
    {
        _store = await IdentityStore.OpenAsync(_folder.Path, cancellationToken: CancellationToken.None).WithTimeout();
        _server = await IdentityServer.StartAsync(new IdentityServerOptions { Host = "127.0.0.1", WebPort = 0, TcpPort = 0 }, _store)
            .WithTimeout();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync().AsTask().WithTimeout();
        _store.Dispose();
        _http.Dispose();
        _alice.Dispose();
        _mallory.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Port_zero_binds_real_ports()
    {
        Assert.NotEqual(0, _server.WebPort);
        Assert.NotEqual(0, _server.TcpPort);
        Assert.Equal($"127.0.0.1:{_server.WebPort}:{_server.TcpPort}", _server.Address.ToString());
        var page = await _http.GetStringAsync(_server.Address.WebBase).WithTimeout();
        Assert.Contains("<title>Identities on 127.0.0.1</title>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_published_document_is_listed_and_served_as_xml_and_json_paths()
    {
        var document = Document(_alice);

        var result = await Client.PublishToAsync(document, _server.Address, CancellationToken.None).WithTimeout();

        Assert.Equal(PublishOutcome.Accepted, result.Outcome);
        var page = await _http.GetStringAsync(_server.Address.WebBase).WithTimeout();
        Assert.Contains("Identities on 127.0.0.1", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/alice.xml\">alice</a>", page, StringComparison.Ordinal);
        foreach (var suffix in new[] { ".xml", ".json" })
        {
            using var response = await _http.GetAsync(new Uri(_server.Address.WebBase, "alice" + suffix)).WithTimeout();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(document.Encoded.ToArray(), await response.Content.ReadAsByteArrayAsync().WithTimeout());
        }
        var fetched = await Client.FetchAsync(document.UrlOn(_server.Address), CancellationToken.None).WithTimeout();
        Assert.Equal(document.Encoded.ToArray(), fetched.Encoded.ToArray());
    }

    [Fact]
    public async Task Unknown_names_are_not_found()
    {
        using var response = await _http.GetAsync(new Uri(_server.Address.WebBase, "nobody.xml")).WithTimeout();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await Assert.ThrowsAsync<IdentityFetchException>(() => Client.FetchAsync(_server.Address, "nobody", CancellationToken.None))
            .WithTimeout();
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_identity_is_refused_with_409_and_a_json_reason()
    {
        await Client.PublishToAsync(Document(_alice), _server.Address, CancellationToken.None).WithTimeout();
        var forged = Document(_mallory, "alice", revision: 50);

        using var response = await Post(forged.Encoded.ToArray());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WithTimeout());
        Assert.Equal("forged-key", answer.RootElement.GetProperty("status").GetString());
        Assert.Contains("signed by another key", answer.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var served = await Client.FetchAsync(_server.Address, "alice", CancellationToken.None).WithTimeout();
        Assert.Equal(_alice.PublicKey, served.PublicKey);
    }

    [Fact]
    public async Task A_stale_revision_is_refused_with_409()
    {
        await Client.PublishToAsync(Document(_alice, revision: 2), _server.Address, CancellationToken.None).WithTimeout();

        var result = await Client.PublishToAsync(Document(_alice, revision: 1), _server.Address, CancellationToken.None).WithTimeout();

        Assert.Equal(PublishOutcome.Refused, result.Outcome);
        Assert.Contains("not newer", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_post_bodies_are_refused_with_400_and_the_server_keeps_serving()
    {
        var valid = Document(_alice).Encoded.ToArray();
        var bodies = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            Gen.Choose(0, valid.Length - 1).Select(n => valid[..n]),
            Gen.Choose(0, valid.Length - 1).Select(i => Flip(valid, i)));
        Prop.ForAll(bodies.ToArbitrary(), body =>
        {
            using var response = Post(body).GetAwaiter().GetResult();
            using var answer = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            return response.StatusCode == HttpStatusCode.BadRequest && answer.RootElement.GetProperty("status").GetString() == "malformed" &&
                   answer.RootElement.GetProperty("reason").GetString()!.StartsWith("identity document", StringComparison.Ordinal);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));

        var result = await Client.PublishToAsync(Document(_alice), _server.Address, CancellationToken.None).WithTimeout();
        Assert.Equal(PublishOutcome.Accepted, result.Outcome);
    }

    [Theory]
    [InlineData(IdentityDocument.MaxSize + 1)]
    [InlineData(1 << 20)]
    public async Task Oversized_bodies_are_refused_with_413(int size)
    {
        // Its own client: the server closes a connection whose oversized body it did not read, and the publisher below must
        // not pick that closing connection out of a shared pool.
        using var sender = new HttpClient { Timeout = StepTimeout };
        using var content = new ByteArrayContent(new byte[size]);
        using var response = await sender.PostAsync(_server.Address.WebBase, content).WithTimeout();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("over the 16384-byte limit", await response.Content.ReadAsStringAsync().WithTimeout(), StringComparison.Ordinal);
        var result = await Client.PublishToAsync(Document(_alice), _server.Address, CancellationToken.None).WithTimeout();
        Assert.Equal(PublishOutcome.Accepted, result.Outcome);
    }

    [Fact]
    public async Task Documents_published_over_tcp_are_judged_like_http_ones()
    {
        var accepted = await IdentityClient.PublishOverTcpAsync(Document(_alice), _server.Address, CancellationToken.None).WithTimeout();
        var forged = await IdentityClient.PublishOverTcpAsync(Document(_mallory, "alice", revision: 9), _server.Address, CancellationToken.None)
            .WithTimeout();

        Assert.Equal(PublishOutcome.Accepted, accepted.Outcome);
        Assert.Equal(PublishOutcome.Refused, forged.Outcome);
        Assert.Contains("signed by another key", forged.Reason, StringComparison.Ordinal);
        Assert.True(_store.TryGet("alice", out var held));
        Assert.Equal(_alice.PublicKey, held.PublicKey);
    }

    [Fact]
    public async Task Several_documents_can_share_one_tcp_connection()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.TcpPort).WithTimeout();
        var stream = tcp.GetStream();
        foreach (var revision in new long[] { 1, 2, 1 })
            await WriteFrame(stream, Document(_alice, revision: revision).Encoded.ToArray());

        var statuses = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            using var answer = JsonDocument.Parse(await ReadFrame(stream));
            statuses.Add(answer.RootElement.GetProperty("status").GetString());
        }

        Assert.Equal(["accepted", "accepted", "stale-revision"], statuses);
    }

    [Fact]
    public async Task Garbage_tcp_input_closes_that_connection_and_the_server_keeps_serving()
    {
        var garbage = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            Gen.Choose(IdentityDocument.MaxSize + 1, int.MaxValue).Select(BigEndian),
            Gen.Choose(int.MinValue, 0).Select(BigEndian),
            ArbMap.Default.GeneratorFor<byte[]>().Where(b => b.Length > 0).Select(b => BigEndian(b.Length).Concat(b).ToArray()));
        Prop.ForAll(garbage.ToArbitrary(), bytes =>
        {
            using var tcp = new TcpClient();
            tcp.ConnectAsync(IPAddress.Loopback, _server.TcpPort).WaitAsync(StepTimeout).GetAwaiter().GetResult();
            var stream = tcp.GetStream();
            stream.WriteAsync(bytes).AsTask().WaitAsync(StepTimeout).GetAwaiter().GetResult();
            tcp.Client.Shutdown(SocketShutdown.Send);
            // Either a status frame for a framed non-document, or the connection closed; never a hang.
            var rest = new MemoryStream();
            stream.CopyToAsync(rest).WaitAsync(StepTimeout).GetAwaiter().GetResult();
            return rest.Length == 0 || IsMalformedAnswer(rest.ToArray());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));

        var result = await IdentityClient.PublishOverTcpAsync(Document(_alice), _server.Address, CancellationToken.None).WithTimeout();
        Assert.Equal(PublishOutcome.Accepted, result.Outcome);
        using var response = await _http.GetAsync(new Uri(_server.Address.WebBase, "alice.json")).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_oversized_tcp_frame_is_closed_before_its_body_is_read()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.TcpPort).WithTimeout();
        var stream = tcp.GetStream();
        await stream.WriteAsync(BigEndian(IdentityDocument.MaxSize + 1)).AsTask().WithTimeout();

        Assert.Equal(0, await stream.ReadAsync(new byte[16]).AsTask().WithTimeout());
    }

    [Fact]
    public async Task The_server_periodically_forgets_identities_nobody_published_again()
    {
        using var folder = new TempFolder();
        var clock = new ManualClock(SignedAt);
        using var store = await IdentityStore.OpenAsync(folder.Path, TimeSpan.FromDays(1), clock, cancellationToken: CancellationToken.None)
            .WithTimeout();
        var options = new IdentityServerOptions { Host = "127.0.0.1", WebPort = 0, TcpPort = 0, SweepInterval = TimeSpan.FromMilliseconds(50) };
        await using var server = await IdentityServer.StartAsync(options, store).WithTimeout();
        await Client.PublishToAsync(Document(_alice), server.Address, CancellationToken.None).WithTimeout();

        clock.Advance(TimeSpan.FromDays(2));
        await Eventually.UntilAsync(() => store.Count == 0, StepTimeout, waitingFor: () => $"{store.Count} documents were never swept");

        Assert.Equal(0, store.Count);
        using var response = await _http.GetAsync(new Uri(server.Address.WebBase, "alice.xml")).WithTimeout();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<HttpResponseMessage> Post(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        return await _http.PostAsync(_server.Address.WebBase, content).WithTimeout();
    }

    private static bool IsMalformedAnswer(byte[] frame)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(frame);
        using var answer = JsonDocument.Parse(frame.AsMemory(4, length));
        return frame.Length == 4 + length && answer.RootElement.GetProperty("status").GetString() == "malformed";
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x20;
        return copy;
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static async Task WriteFrame(Stream stream, byte[] payload)
    {
        await stream.WriteAsync(BigEndian(payload.Length)).AsTask().WithTimeout();
        await stream.WriteAsync(payload).AsTask().WithTimeout();
    }

    private static async Task<byte[]> ReadFrame(Stream stream)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header).AsTask().WithTimeout();
        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        await stream.ReadExactlyAsync(payload).AsTask().WithTimeout();
        return payload;
    }
}
