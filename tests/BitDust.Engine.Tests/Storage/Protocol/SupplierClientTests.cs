using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;
using BitDust.Engine.Storage.Supplier;
using static BitDust.Engine.Tests.Storage.Protocol.SupplierHarness;

namespace BitDust.Engine.Tests.Storage.Protocol;

/// <summary>The customer's client against suppliers that page, and against suppliers that do not keep their word.</summary>
public sealed class SupplierClientTests
{
    [Fact]
    public async Task Listing_follows_the_pages_of_a_supplier_to_the_end()
    {
        await using var harness = await StartAsync(1 << 20, "alice");
        // Pages of three instead of thousands, so a handful of fragments spans several pages.
        harness.SupplierNode.Handlers.MapRequest(StorageWire.FragmentList, (request, _) =>
        {
            Assert.True(FragmentMessages.TryReadListQuery(request.Payload.Span, out var query, out var error), error);
            var who = new CustomerIdentity(request.Connection.PeerKey.Fingerprint, request.Peer);
            return ValueTask.FromResult(FragmentMessages.EncodePage(harness.Store.List(who, query, limit: 3)));
        });
        var alice = harness.Client("alice");
        await alice.RequestSpaceAsync(1 << 19, CancellationToken.None).WaitAsync(StepTimeout);
        var (file, other) = (FileVersion.NewFile(), FileVersion.NewFile());
        for (var block = 0; block < 10; block++)
            await alice.PutFragmentAsync(Key(file, block), Fragment(Key(file, block), 10), CancellationToken.None).WaitAsync(StepTimeout);
        await alice.PutFragmentAsync(Key(other), Fragment(Key(other), 10), CancellationToken.None).WaitAsync(StepTimeout);

        var listed = await alice.ListFragmentsAsync(file, CancellationToken.None).WaitAsync(StepTimeout);

        Assert.Equal(Enumerable.Range(0, 10).Select(block => Key(file, block)), listed.Select(f => f.Key));
        Assert.Equal(11, (await alice.ListFragmentsAsync(null, CancellationToken.None).WaitAsync(StepTimeout)).Count);
    }

    [Fact]
    public async Task A_supplier_whose_pages_do_not_move_forward_is_refused_instead_of_listed_for_ever()
    {
        await using var harness = await StartAsync(1 << 20, "alice");
        var key = Key(FileVersion.NewFile());
        var page = FragmentMessages.EncodePage(new FragmentPage([new StoredFragment(key, 100, new byte[32])], More: true));
        harness.SupplierNode.Handlers.MapRequest(StorageWire.FragmentList, (_, _) => ValueTask.FromResult(page));

        var refused = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            harness.Client("alice").ListFragmentsAsync(null, CancellationToken.None)).WaitAsync(StepTimeout);

        Assert.Contains($"{key} came after {key}", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_supplier_that_answers_a_put_with_the_hash_of_other_bytes_is_refused()
    {
        await using var harness = await StartAsync(1 << 20, "alice");
        var wrongHash = FragmentMessages.EncodeHash(new byte[32]);
        harness.SupplierNode.Handlers.MapRequest(StorageWire.FragmentPut, (_, _) => ValueTask.FromResult(wrongHash));
        var key = Key(FileVersion.NewFile());

        var refused = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            harness.Client("alice").PutFragmentAsync(key, Fragment(key), CancellationToken.None)).WaitAsync(StepTimeout);

        Assert.Contains($"it stored fragment {key} with hash 0000", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_supplier_answers_no_handler_and_the_client_names_it()
    {
        await using var harness = await StartAsync(1 << 20, "alice");
        SupplierHandlers.Unmap(harness.SupplierNode.Handlers);

        var refused = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            harness.Client("alice").GetOfferAsync(CancellationToken.None)).WaitAsync(StepTimeout);

        Assert.Equal("supplier", refused.Supplier);
        Assert.Equal("no handler for space.offer requests", refused.Reason);
        Assert.Equal("supplier supplier refused: no handler for space.offer requests", refused.Message);
    }
}
