using System.Net;
using System.Text.Json.Nodes;
using BitDust.Engine.Network.Dht;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Integration.Tests.Dht;

/// <summary>Our DHT node and npm bittorrent-dht (an independent implementation) read each other's BEP 44 items.</summary>
public sealed class BittorrentDhtInteropTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Each_side_reads_the_mutable_and_immutable_items_the_other_put()
    {
        await using var other = await NodeDhtProcess.StartAsync().WaitAsync(Step);
        var options = new DhtOptions { BindAddress = IPAddress.Loopback, KnownNodes = [$"127.0.0.1:{other.Port}"] };
        await using var ours = await DhtNode.StartAsync(options, NullLogger.Instance, CancellationToken.None).WaitAsync(Step);
        Assert.Equal(1, ours.ContactCount);
        await other.CommandAsync(new { cmd = "addNode", host = "127.0.0.1", port = ours.Port });

        var key = DhtSigningKey.Generate();
        var mutable = await ours.PutMutableAsync(key, "bitdust"u8.ToArray(), "family of 7"u8.ToArray(), 1, null, CancellationToken.None)
            .WaitAsync(Step);
        Assert.Equal(2, mutable.Copies);
        var theirRead = await other.CommandAsync(new { cmd = "get", target = mutable.Target.ToString(), salt = Hex("bitdust"u8) });
        Assert.Equal(Hex("family of 7"u8), theirRead["value"]!.GetValue<string>());
        Assert.Equal(1, theirRead["seq"]!.GetValue<long>());

        var immutable = await ours.PutImmutableAsync("an offer"u8.ToArray(), CancellationToken.None).WaitAsync(Step);
        var theirImmutable = await other.CommandAsync(new { cmd = "get", target = immutable.Target.ToString() });
        Assert.Equal(Hex("an offer"u8), theirImmutable["value"]!.GetValue<string>());

        var theirs = await other.CommandAsync(new { cmd = "putMutable", seq = 4, salt = Hex("family"u8), value = Hex("from node"u8) });
        var theirKey = Convert.FromHexString(Text(theirs, "publicKey"));
        var ourRead = await ours.GetMutableAsync(theirKey, "family"u8.ToArray(), CancellationToken.None).WaitAsync(Step);
        Assert.Equal(Text(theirs, "target"), Bep44.MutableTarget(theirKey, "family"u8).ToString());
        Assert.Equal(4L, ourRead!.Sequence);
        Assert.Equal("from node"u8.ToArray(), ourRead.Value);

        var theirImmutablePut = await other.CommandAsync(new { cmd = "putImmutable", value = Hex("immutable from node"u8) });
        var ourImmutable = await ours.GetImmutableAsync(NodeId.Parse(Text(theirImmutablePut, "target")), CancellationToken.None)
            .WaitAsync(Step);
        Assert.Equal("immutable from node"u8.ToArray(), ourImmutable);
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static string Text(JsonObject answer, string field) => answer[field]!.GetValue<string>();
}
