using System.Security.Cryptography;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;
using static BitDust.Engine.Tests.Storage.Protocol.SupplierHarness;

namespace BitDust.Engine.Tests.Storage.Protocol;

public sealed class SupplierProtocolTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public async Task A_customer_with_a_contract_puts_gets_lists_audits_and_deletes_its_fragments()
    {
        await using var harness = await StartAsync(100 * MiB, "alice");
        var alice = harness.Client("alice");

        var offer = await alice.GetOfferAsync(CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Equal(new SpaceOffer(100 * MiB, 100 * MiB), offer);
        Assert.Equal(new SpaceGrant(10 * MiB, 0), await alice.RequestSpaceAsync(10 * MiB, CancellationToken.None).WaitAsync(StepTimeout));

        var file = FileVersion.NewFile();
        var other = FileVersion.NewFile();
        var fragments = new Dictionary<FragmentKey, byte[]>
        {
            [Key(file, 0, 0)] = Fragment(Key(file, 0, 0)),
            [Key(file, 0, 1)] = Fragment(Key(file, 0, 1), 5000),
            [Key(file, 1, 0)] = Fragment(Key(file, 1, 0), 0),
            [Key(other, 0, 2)] = Fragment(Key(other, 0, 2)),
        };
        foreach (var (key, bytes) in fragments)
        {
            var hash = await alice.PutFragmentAsync(key, bytes, CancellationToken.None).WaitAsync(StepTimeout);
            Assert.Equal(SHA256.HashData(bytes), hash);
        }

        foreach (var (key, bytes) in fragments)
            Assert.Equal(bytes, await alice.GetFragmentAsync(key, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Null(await alice.GetFragmentAsync(Key(file, 7, 0), CancellationToken.None).WaitAsync(StepTimeout));

        var all = await alice.ListFragmentsAsync(null, CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Equal(fragments.Keys.Order(KeyOrder.Instance), all.Select(f => f.Key));
        Assert.All(all, f => Assert.Equal(
            (fragments[f.Key].Length, Convert.ToHexString(SHA256.HashData(fragments[f.Key]))), (f.Length, Convert.ToHexString(f.Hash))));
        var ofFile = await alice.ListFragmentsAsync(file, CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Equal(3, ofFile.Count);
        Assert.All(ofFile, f => Assert.Equal(file, f.Key.File));

        var nonce = RandomNumberGenerator.GetBytes(32);
        var proof = await alice.AuditAsync(Key(file, 0, 1), nonce, CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Equal(AuditProof(nonce, fragments[Key(file, 0, 1)]), proof);

        Assert.Equal(3, await alice.DeleteFragmentsAsync(file, CancellationToken.None).WaitAsync(StepTimeout));
        var left = await alice.ListFragmentsAsync(null, CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Equal([Key(other, 0, 2)], left.Select(f => f.Key));
        Assert.Null(await alice.GetFragmentAsync(Key(file, 0, 0), CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal(0, await alice.DeleteFragmentsAsync(file, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal(fragments[Key(other, 0, 2)].Length, harness.Store.Usage().UsedBytes);
    }

    [Fact]
    public async Task Meta_blobs_round_trip_replace_each_other_and_count_in_the_quota()
    {
        await using var harness = await StartAsync(100 * MiB, "alice");
        var alice = harness.Client("alice");
        await alice.RequestSpaceAsync(2 * MiB, CancellationToken.None).WaitAsync(StepTimeout);

        Assert.Null(await alice.GetMetaAsync("catalog", CancellationToken.None).WaitAsync(StepTimeout));
        var first = RandomNumberGenerator.GetBytes(1000);
        var second = RandomNumberGenerator.GetBytes((int)MiB);
        await alice.PutMetaAsync("catalog", first, CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Equal(first, await alice.GetMetaAsync("catalog", CancellationToken.None).WaitAsync(StepTimeout));
        await alice.PutMetaAsync("catalog", second, CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Equal(second, await alice.GetMetaAsync("catalog", CancellationToken.None).WaitAsync(StepTimeout));
        await alice.PutMetaAsync("empty", ReadOnlyMemory<byte>.Empty, CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Equal(Array.Empty<byte>(), await alice.GetMetaAsync("empty", CancellationToken.None).WaitAsync(StepTimeout));

        Assert.Equal(MiB, harness.Store.Usage().UsedBytes);
        await alice.PutMetaAsync("other", RandomNumberGenerator.GetBytes((int)MiB), CancellationToken.None).WaitAsync(StepTimeout);
        var refused = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            alice.PutMetaAsync("third", new byte[1], CancellationToken.None)).WaitAsync(StepTimeout);
        Assert.StartsWith("quota full", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fragment_of_four_mebibytes_travels_in_one_request_and_ping_answers()
    {
        await using var harness = await StartAsync(100 * MiB, "alice");
        var alice = harness.Client("alice");
        await alice.RequestSpaceAsync(10 * MiB, CancellationToken.None).WaitAsync(StepTimeout);
        var key = Key(FileVersion.NewFile());
        var big = Fragment(key, PipelineLimits.DefaultBlockSize + PipelineLimits.MaxSealOverhead);

        await alice.PutFragmentAsync(key, big, CancellationToken.None).WaitAsync(StepTimeout);

        Assert.Equal(big, await alice.GetFragmentAsync(key, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.True(await alice.PingAsync(CancellationToken.None).WaitAsync(StepTimeout) >= TimeSpan.Zero);
    }

    /// <summary>Keys in the order a supplier lists them: their bytes, compared as unsigned.</summary>
    private sealed class KeyOrder : IComparer<FragmentKey>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(FragmentKey x, FragmentKey y) => x.ToBytes().AsSpan().SequenceCompareTo(y.ToBytes());
    }
}
