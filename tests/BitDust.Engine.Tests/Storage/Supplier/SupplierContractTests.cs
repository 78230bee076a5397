using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;
using BitDust.Engine.Tests.Storage.Protocol;
using static BitDust.Engine.Tests.Storage.Protocol.SupplierHarness;

namespace BitDust.Engine.Tests.Storage.Supplier;

/// <summary>Contracts and quotas as customers meet them over the wire.</summary>
public sealed class SupplierContractTests
{
    private const long KiB = 1024;

    [Fact]
    public async Task A_put_without_a_contract_or_over_the_quota_is_refused_and_nothing_is_kept()
    {
        await using var harness = await StartAsync(1024 * KiB, "alice");
        var alice = harness.Client("alice");
        var file = FileVersion.NewFile();

        var noContract = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            alice.PutFragmentAsync(Key(file), Fragment(Key(file)), CancellationToken.None)).WaitAsync(StepTimeout);
        Assert.Equal("supplier", noContract.Supplier);
        Assert.StartsWith("no contract", noContract.Reason, StringComparison.Ordinal);

        await alice.RequestSpaceAsync(10 * KiB, CancellationToken.None).WaitAsync(StepTimeout);
        var first = Fragment(Key(file, 0, 0), 6000);
        await alice.PutFragmentAsync(Key(file, 0, 0), first, CancellationToken.None).WaitAsync(StepTimeout);
        var overQuota = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            alice.PutFragmentAsync(Key(file, 0, 1), Fragment(Key(file, 0, 1), 6000), CancellationToken.None)).WaitAsync(StepTimeout);

        Assert.StartsWith($"quota full: used {first.Length} of {10 * KiB}", overQuota.Reason, StringComparison.Ordinal);
        Assert.Single(await alice.ListFragmentsAsync(null, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal(first.Length, harness.Store.Usage().UsedBytes);
    }

    [Fact]
    public async Task Contracts_are_granted_only_while_the_granted_quotas_fit_in_the_donated_space()
    {
        await using var harness = await StartAsync(100 * KiB, "alice", "bob");
        var (alice, bob) = (harness.Client("alice"), harness.Client("bob"));

        await alice.RequestSpaceAsync(60 * KiB, CancellationToken.None).WaitAsync(StepTimeout);
        Assert.Equal(new SpaceOffer(100 * KiB, 40 * KiB), await bob.GetOfferAsync(CancellationToken.None).WaitAsync(StepTimeout));
        var refused = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            bob.RequestSpaceAsync(50 * KiB, CancellationToken.None)).WaitAsync(StepTimeout);
        Assert.StartsWith("donated space full", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(new SpaceGrant(40 * KiB, 0), await bob.RequestSpaceAsync(40 * KiB, CancellationToken.None).WaitAsync(StepTimeout));

        // Asking again for what she holds is no new demand: her own grant does not count against her. She shrinks; bob grows.
        Assert.Equal(new SpaceGrant(60 * KiB, 0), await alice.RequestSpaceAsync(60 * KiB, CancellationToken.None).WaitAsync(StepTimeout));
        await alice.RequestSpaceAsync(10 * KiB, CancellationToken.None).WaitAsync(StepTimeout);
        await bob.RequestSpaceAsync(90 * KiB, CancellationToken.None).WaitAsync(StepTimeout);

        // The donated space shrinks below what is granted: nothing more is granted, and the offer says so.
        harness.Donated = 50 * KiB;
        Assert.Equal(new SpaceOffer(50 * KiB, 0), await alice.GetOfferAsync(CancellationToken.None).WaitAsync(StepTimeout));
        await Assert.ThrowsAsync<SupplierRefusedException>(() => alice.RequestSpaceAsync(11 * KiB, CancellationToken.None))
            .WaitAsync(StepTimeout);
        Assert.Equal(new DonatedSpaceExpectation(50 * KiB, 100 * KiB, 2), Expect(harness));
    }

    [Fact]
    public async Task A_quota_below_what_is_stored_is_refused()
    {
        await using var harness = await StartAsync(100 * KiB, "alice");
        var alice = harness.Client("alice");
        await alice.RequestSpaceAsync(20 * KiB, CancellationToken.None).WaitAsync(StepTimeout);
        var key = Key(FileVersion.NewFile());
        await alice.PutFragmentAsync(key, Fragment(key, 8000), CancellationToken.None).WaitAsync(StepTimeout);

        var refused = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            alice.RequestSpaceAsync(4 * KiB, CancellationToken.None)).WaitAsync(StepTimeout);

        Assert.Contains("below the 8064 bytes stored", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(new SpaceGrant(8064, 8064), await alice.RequestSpaceAsync(8064, CancellationToken.None).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task Putting_a_key_again_replaces_the_fragment_and_its_share_of_the_quota()
    {
        await using var harness = await StartAsync(100 * KiB, "alice");
        var alice = harness.Client("alice");
        await alice.RequestSpaceAsync(10 * KiB, CancellationToken.None).WaitAsync(StepTimeout);
        var key = Key(FileVersion.NewFile());

        await alice.PutFragmentAsync(key, Fragment(key, 6000), CancellationToken.None).WaitAsync(StepTimeout);
        // 6064 + 7064 would not fit in 10 KiB, but the new version replaces the old one.
        var replacement = Fragment(key, 7000);
        await alice.PutFragmentAsync(key, replacement, CancellationToken.None).WaitAsync(StepTimeout);

        Assert.Equal(replacement, await alice.GetFragmentAsync(key, CancellationToken.None).WaitAsync(StepTimeout));
        var listed = Assert.Single(await alice.ListFragmentsAsync(null, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal(replacement.Length, listed.Length);
        Assert.Equal(replacement.Length, harness.Store.Usage().UsedBytes);
        Assert.Single(Directory.GetFiles(Path.Combine(harness.Folder, "fragments"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_fragment_whose_header_does_not_match_its_key_or_length_is_refused()
    {
        await using var harness = await StartAsync(100 * KiB, "alice");
        var alice = harness.Client("alice");
        await alice.RequestSpaceAsync(50 * KiB, CancellationToken.None).WaitAsync(StepTimeout);
        var file = FileVersion.NewFile();
        var fragment = Fragment(Key(file, 3, 1));

        var wrongKey = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            alice.PutFragmentAsync(Key(file, 3, 2), fragment, CancellationToken.None)).WaitAsync(StepTimeout);
        var cut = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            alice.PutFragmentAsync(Key(file, 3, 1), fragment.AsMemory(0, fragment.Length - 1), CancellationToken.None))
                .WaitAsync(StepTimeout);
        var garbage = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            alice.PutFragmentAsync(Key(file, 3, 1), new byte[200], CancellationToken.None)).WaitAsync(StepTimeout);

        Assert.Contains("has the header of fragment", wrongKey.Reason, StringComparison.Ordinal);
        Assert.Contains("announces 1000 payload bytes, 999 came", cut.Reason, StringComparison.Ordinal);
        Assert.Contains("bad magic", garbage.Reason, StringComparison.Ordinal);
        Assert.Empty(await alice.ListFragmentsAsync(null, CancellationToken.None).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task Releasing_the_contract_deletes_everything_kept_for_the_customer()
    {
        await using var harness = await StartAsync(100 * KiB, "alice");
        var alice = harness.Client("alice");
        await alice.RequestSpaceAsync(50 * KiB, CancellationToken.None).WaitAsync(StepTimeout);
        var file = FileVersion.NewFile();
        for (var position = 0; position < 3; position++)
            await alice.PutFragmentAsync(Key(file, 0, position), Fragment(Key(file, 0, position)), CancellationToken.None)
                .WaitAsync(StepTimeout);
        await alice.PutMetaAsync("catalog", new byte[100], CancellationToken.None).WaitAsync(StepTimeout);

        await alice.ReleaseSpaceAsync(CancellationToken.None).WaitAsync(StepTimeout);

        Assert.Empty(await alice.ListFragmentsAsync(null, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Null(await alice.GetMetaAsync("catalog", CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Empty(Directory.GetFiles(Path.Combine(harness.Folder, "fragments"), "*", SearchOption.AllDirectories));
        Assert.Equal(new DonatedSpaceExpectation(100 * KiB, 0, 0), Expect(harness));
        // A new contract starts empty.
        Assert.Equal(new SpaceGrant(KiB, 0), await alice.RequestSpaceAsync(KiB, CancellationToken.None).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task Concurrent_puts_never_take_a_customer_past_its_quota()
    {
        await using var harness = await StartAsync(1024 * KiB, "alice");
        var alice = harness.Client("alice");
        var fragmentLength = FragmentLength(4000);
        await alice.RequestSpaceAsync(5 * fragmentLength, CancellationToken.None).WaitAsync(StepTimeout);
        var file = FileVersion.NewFile();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(async position =>
        {
            try
            {
                await alice.PutFragmentAsync(Key(file, position, 0), Fragment(Key(file, position, 0), 4000), CancellationToken.None);
                return true;
            }
            catch (SupplierRefusedException e) when (e.Reason.StartsWith("quota full", StringComparison.Ordinal))
            {
                return false;
            }
        })).WaitAsync(StepTimeout);

        Assert.Equal(5, outcomes.Count(stored => stored));
        Assert.Equal(5, (await alice.ListFragmentsAsync(null, CancellationToken.None).WaitAsync(StepTimeout)).Count);
        Assert.Equal(5 * fragmentLength, harness.Store.Usage().UsedBytes);
    }

    private static long FragmentLength(int payload) => FragmentHeader.Size + payload;

    private sealed record DonatedSpaceExpectation(long Donated, long Granted, int Customers);

    private static DonatedSpaceExpectation Expect(SupplierHarness harness)
    {
        var usage = harness.Store.Usage();
        return new DonatedSpaceExpectation(usage.DonatedBytes, usage.GrantedBytes, usage.Customers);
    }
}
