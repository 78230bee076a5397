using System.Net;
using System.Net.Sockets;
using BitDust.Engine.Network.Dht;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Tests.Network.Dht;

[Collection(DhtNetworkCollection.Name)]
public sealed class DhtLoopbackTests
{
    private static readonly TimeSpan Step = DhtCluster.StepTimeout;

    [Fact]
    public async Task Nodes_bootstrap_and_read_what_another_node_stored()
    {
        await using var cluster = new DhtCluster(o => WithFastQueries(o));
        var genesis = await cluster.StartGenesisAsync();
        for (var i = 0; i < 5; i++)
            await cluster.StartJoiningAsync(genesis);
        var (writer, reader) = (cluster.Nodes[1], cluster.Nodes[5]);
        Assert.All(cluster.Nodes, n => Assert.True(n.ContactCount > 0, $"node on port {n.Port} has no contacts"));

        var immutable = await writer.PutImmutableAsync("a supplier offer"u8.ToArray(), default).WaitAsync(Step);
        Assert.True(immutable.Copies > 1);
        var offer = await reader.GetImmutableAsync(immutable.Target, default).WaitAsync(Step);
        Assert.Equal("a supplier offer"u8.ToArray(), offer);

        var owner = DhtSigningKey.Generate();
        var first = await writer.PutMutableAsync(owner, "family"u8.ToArray(), "v1"u8.ToArray(), null, null, default).WaitAsync(Step);
        Assert.Equal(1, first.Sequence);
        var read = await reader.GetMutableAsync(owner.PublicKey, "family"u8.ToArray(), default).WaitAsync(Step);
        Assert.Equal("v1"u8.ToArray(), read!.Value);

        var second = await reader.PutMutableAsync(owner, "family"u8.ToArray(), "v2"u8.ToArray(), null, 1, default).WaitAsync(Step);
        Assert.Equal(2, second.Sequence);
        Assert.Null(second.Rejection);
        var newest = await cluster.Nodes[3].GetMutableAsync(owner.PublicKey, "family"u8.ToArray(), default).WaitAsync(Step);
        Assert.Equal(2L, newest!.Sequence);
        Assert.Equal("v2"u8.ToArray(), newest.Value);

        var stale = await writer.PutMutableAsync(owner, "family"u8.ToArray(), "v3"u8.ToArray(), 3, 1, default).WaitAsync(Step);
        Assert.Equal(KrpcErrorCode.CasMismatch, stale.Rejection!.Value.ErrorCode);
        var older = await writer.PutMutableAsync(owner, "family"u8.ToArray(), "v0"u8.ToArray(), 1, null, default).WaitAsync(Step);
        Assert.Equal(KrpcErrorCode.SequenceTooLow, older.Rejection!.Value.ErrorCode);
    }

    [Fact]
    public async Task Known_nodes_are_resolved_by_name_and_owned_items_are_republished_before_they_expire()
    {
        var lifetime = TimeSpan.FromSeconds(2);
        var options = new DhtOptions { BindAddress = IPAddress.Loopback, Genesis = true, ItemLifetime = lifetime };
        await using var keeper = await DhtNode.StartAsync(options, NullLogger.Instance, default).WaitAsync(Step);
        var ownerOptions = new DhtOptions
        {
            BindAddress = IPAddress.Loopback,
            KnownNodes = [$"localhost:{keeper.Port}"],
            RepublishInterval = TimeSpan.FromMilliseconds(500),
            MaintenanceInterval = TimeSpan.FromMilliseconds(250),
        };
        await using var owner = await DhtNode.StartAsync(ownerOptions, NullLogger.Instance, default).WaitAsync(Step);
        Assert.Equal(1, owner.ContactCount);

        var stored = await owner.PutImmutableAsync("kept alive"u8.ToArray(), default).WaitAsync(Step);
        Assert.Equal(2, stored.Copies);
        await Task.Delay(lifetime * 2);

        // Without the owner's republishing, the keeper's copy would have expired a lifetime ago.
        Assert.Equal("kept alive"u8.ToArray(), await keeper.GetImmutableAsync(stored.Target, default).WaitAsync(Step));
    }

    [Fact]
    public async Task Suppliers_announced_on_one_node_are_found_from_another()
    {
        await using var cluster = new DhtCluster(o => WithFastQueries(o));
        var genesis = await cluster.StartGenesisAsync();
        for (var i = 0; i < 4; i++)
            await cluster.StartJoiningAsync(genesis);
        var suppliers = DhtInfoHash.Suppliers("testnet");

        var announced = await cluster.Nodes[2].AnnounceAsync(suppliers, 7001, default).WaitAsync(Step);
        var peers = await cluster.Nodes[4].GetPeersAsync(suppliers, default).WaitAsync(Step);

        Assert.True(announced.Copies > 0);
        Assert.Contains(new IPEndPoint(IPAddress.Loopback, 7001), peers);
    }

    [Fact]
    public async Task A_value_larger_than_one_item_is_stored_in_checked_chunks()
    {
        await using var cluster = new DhtCluster(o => WithFastQueries(o));
        var genesis = await cluster.StartGenesisAsync();
        var reader = await cluster.StartJoiningAsync(genesis);
        var writer = await cluster.StartJoiningAsync(genesis);
        var value = new byte[20_000];
        new Random(7).NextBytes(value);

        var index = await DhtLargeValue.PutAsync(writer, value, default).WaitAsync(Step);

        Assert.Equal(value, await DhtLargeValue.GetAsync(reader, index, default).WaitAsync(Step));
        await Assert.ThrowsAsync<ArgumentException>(() => DhtLargeValue.PutAsync(writer, new byte[DhtLargeValue.MaxLength + 1], default));
    }

    [Fact]
    public async Task Garbage_datagrams_do_not_stop_a_node_serving()
    {
        await using var cluster = new DhtCluster(o => WithFastQueries(o));
        var genesis = await cluster.StartGenesisAsync();
        var other = await cluster.StartJoiningAsync(genesis);
        using var attacker = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var random = new Random(44);
        var target = DhtCluster.EndPointOf(genesis);
        var validQuery = KrpcMessage.EncodeQuery("zz"u8, "ping", new BencodeDictionary { { "id", NodeId.Random().Bytes } });
        var datagrams = new List<byte[]>
        {
            new byte[1], new byte[Bencode.MaxPacketLength + 1], new byte[8000], validQuery[..^3], "d1:t2:aa1:y1:qe"u8.ToArray(),
            KrpcMessage.EncodeQuery("zz"u8, "get",
                new BencodeDictionary { { "id", NodeId.Random().Bytes }, { "target", "short"u8.ToArray() } }),
            KrpcMessage.EncodeQuery("zz"u8, "put", new BencodeDictionary { { "id", NodeId.Random().Bytes }, { "v", new byte[2] } }),
        };
        for (var i = 0; i < 150; i++)
        {
            var bytes = new byte[random.Next(0, 1400)];
            random.NextBytes(bytes);
            datagrams.Add(bytes);
        }
        foreach (var datagram in datagrams)
            await attacker.SendAsync(datagram, target).AsTask().WaitAsync(Step);
        // The kernel drops what overflows the socket buffer during the flood (the node's answer to the valid ping among
        // them too), so the node is asked until it answers: it must, once it has read past the garbage.
        Assert.True(await AnswersPingAsync(attacker, target), "the node stopped answering after the garbage");

        var key = DhtSigningKey.Generate();
        var stored = await other.PutMutableAsync(key, default, "still here"u8.ToArray(), 1, null, default).WaitAsync(Step);
        Assert.True(stored.Copies == 2, $"stored on {stored.Copies} nodes, rejection {stored.Rejection}");
        var got = await genesis.GetMutableAsync(key.PublicKey, default, default).WaitAsync(Step);
        Assert.Equal("still here"u8.ToArray(), got!.Value);
        Assert.Equal(1, genesis.StoredItemCount);
    }

    [Fact]
    public async Task A_flood_from_one_address_is_rate_limited()
    {
        await using var cluster = new DhtCluster(o => WithFastQueries(o, perSecond: 5, burst: 20));
        var node = await cluster.StartGenesisAsync();
        using var flooder = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var ping = KrpcMessage.EncodeQuery("fl"u8, "ping", new BencodeDictionary { { "id", NodeId.Random().Bytes } });

        for (var i = 0; i < 300; i++)
            await flooder.SendAsync(ping, DhtCluster.EndPointOf(node)).AsTask().WaitAsync(Step);
        var answers = 0;
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            while (true)
            {
                await flooder.ReceiveAsync(quiet.Token);
                answers++;
            }
        }
        catch (OperationCanceledException)
        {
            // No more answers within a second.
        }

        Assert.InRange(answers, 20, 40);
    }

    private static async Task<bool> AnswersPingAsync(UdpClient client, IPEndPoint node)
    {
        var ping = KrpcMessage.EncodeQuery("pi"u8, "ping", new BencodeDictionary { { "id", NodeId.Random().Bytes } });
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await client.SendAsync(ping, node).AsTask().WaitAsync(Step);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                while (true)
                {
                    var answer = await client.ReceiveAsync(wait.Token);
                    if (KrpcMessage.TryParse(answer.Buffer, out var message, out _, out _) &&
                        message.Kind == KrpcMessageKind.Response && message.TransactionId.AsSpan().SequenceEqual("pi"u8))
                        return true;
                }
            }
            catch (OperationCanceledException)
            {
                // No answer within a second: ask again.
            }
        }
        return false;
    }

    private static DhtOptions WithFastQueries(DhtOptions options, double perSecond = 10_000, int burst = 10_000) => new()
    {
        BindAddress = options.BindAddress,
        Genesis = options.Genesis,
        KnownNodes = options.KnownNodes,
        QueryTimeout = TimeSpan.FromSeconds(1),
        RateLimitPerSecond = perSecond,
        RateLimitBurst = burst,
    };
}
