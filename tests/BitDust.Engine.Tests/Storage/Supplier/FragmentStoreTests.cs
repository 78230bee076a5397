using System.Security.Cryptography;
using BitDust.Engine.Common;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;
using BitDust.Engine.Storage.Supplier;
using static BitDust.Engine.Tests.Storage.Protocol.SupplierHarness;

namespace BitDust.Engine.Tests.Storage.Supplier;

/// <summary>The store on its own: what is on disk, what survives a restart, and what a damaged disk does to it.</summary>
public sealed class FragmentStoreTests : IDisposable
{
    private const long Donated = 16L << 20;

    private static readonly CustomerIdentity Alice = Customer("alice");
    private static readonly CustomerIdentity Bob = Customer("bob");

    private readonly string _folder = Directory.CreateTempSubdirectory("bitdust-store-").FullName;

    private string FragmentsFolder => Path.Combine(_folder, "fragments");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_store_reopened_after_dispose_serves_everything_it_acknowledged()
    {
        var file = FileVersion.NewFile();
        var kept = new Dictionary<FragmentKey, byte[]>();
        using (var store = await OpenAsync())
        {
            store.RequestSpace(Alice, 1 << 20);
            for (var block = 0; block < 5; block++)
            {
                var key = Key(file, block, 2);
                kept[key] = Fragment(key, 1000 + block);
                await store.PutAsync(Alice, key, kept[key], CancellationToken.None).WaitAsync(StepTimeout);
            }
            store.PutMeta(Alice, "catalog", "signed catalog"u8);
        }

        using var reopened = await OpenAsync();

        Assert.Equal(new StoreRecovery(0, 0, 0), reopened.Recovery);
        foreach (var (key, bytes) in kept)
            Assert.Equal(bytes, await reopened.GetAsync(Alice, key, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal("signed catalog"u8.ToArray(), reopened.GetMeta(Alice, "catalog"));
        var customer = Assert.Single(reopened.Customers());
        Assert.Equal(new SupplierCustomer("alice", Alice.KeyFingerprint, 1 << 20, kept.Values.Sum(b => b.Length) + 14, 5), customer);
    }

    [Fact]
    public async Task Opening_deletes_leftover_temp_files_drops_rows_whose_file_is_gone_and_deletes_files_without_a_row()
    {
        var file = FileVersion.NewFile();
        var (kept, lost) = (Key(file, 0, 0), Key(file, 1, 0));
        using (var store = await OpenAsync())
        {
            store.RequestSpace(Alice, 1 << 20);
            await store.PutAsync(Alice, kept, Fragment(kept), CancellationToken.None).WaitAsync(StepTimeout);
            await store.PutAsync(Alice, lost, Fragment(lost), CancellationToken.None).WaitAsync(StepTimeout);
        }
        var lostFile = FileOf(lost);
        var customerFolder = Path.GetDirectoryName(lostFile)!;
        File.Delete(lostFile);
        // A crash inside a write leaves its temporary file; a crash after a rename but before the index leaves a file with no row.
        File.WriteAllBytes(Path.Combine(customerFolder, $".x.frag.1.abc{AtomicFile.TempSuffix}"), new byte[100]);
        File.WriteAllBytes(Path.Combine(customerFolder, "0123.unindexed.frag"), new byte[100]);
        Directory.CreateDirectory(Path.Combine(FragmentsFolder, "999"));
        File.WriteAllBytes(Path.Combine(FragmentsFolder, "999", "gone-customer.frag"), new byte[100]);

        using var reopened = await OpenAsync();

        Assert.Equal(new StoreRecovery(TempFilesDeleted: 1, MissingFragmentsDropped: 1, OrphanFilesDeleted: 2), reopened.Recovery);
        Assert.Equal([kept], reopened.List(Alice, default).Fragments.Select(f => f.Key));
        Assert.Null(await reopened.GetAsync(Alice, lost, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal([FileOf(kept)], Directory.GetFiles(FragmentsFolder, "*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(FragmentsFolder, "999")));
        Assert.Equal(Fragment(kept).Length, reopened.Usage().UsedBytes);
    }

    [Fact]
    public async Task A_byte_flipped_in_a_fragment_file_changes_the_audit_answer()
    {
        using var store = await OpenAsync();
        store.RequestSpace(Alice, 1 << 20);
        var key = Key(FileVersion.NewFile());
        var fragment = Fragment(key, 4000);
        await store.PutAsync(Alice, key, fragment, CancellationToken.None).WaitAsync(StepTimeout);
        var nonce = RandomNumberGenerator.GetBytes(16);
        Assert.Equal(AuditProof(nonce, fragment), await store.AuditAsync(Alice, key, nonce, CancellationToken.None).WaitAsync(StepTimeout));

        await using (var stream = new FileStream(FileOf(key), FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 2500;
            var original = stream.ReadByte();
            stream.Position = 2500;
            stream.WriteByte((byte)(original ^ 0x01));
        }

        var proof = await store.AuditAsync(Alice, key, nonce, CancellationToken.None).WaitAsync(StepTimeout);
        Assert.NotEqual(AuditProof(nonce, fragment), proof);
        // A fresh nonce gives a fresh answer, so an old proof cannot be replayed.
        var other = RandomNumberGenerator.GetBytes(16);
        Assert.NotEqual(proof, await store.AuditAsync(Alice, key, other, CancellationToken.None).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task Another_key_under_the_same_name_is_another_customer_and_sees_nothing()
    {
        using var store = await OpenAsync();
        store.RequestSpace(Alice, 1 << 20);
        var key = Key(FileVersion.NewFile());
        await store.PutAsync(Alice, key, Fragment(key), CancellationToken.None).WaitAsync(StepTimeout);
        store.PutMeta(Alice, "catalog", new byte[10]);
        var namesake = Customer("alice");

        Assert.Null(await store.GetAsync(namesake, key, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Empty(store.List(namesake, default).Fragments);
        Assert.Null(store.GetMeta(namesake, "catalog"));
        Assert.Equal(0, store.Delete(namesake, key.File));
        await Assert.ThrowsAsync<StoreRefusedException>(() => store.AuditAsync(namesake, key, new byte[16], CancellationToken.None))
            .WaitAsync(StepTimeout);
        store.Release(namesake);
        Assert.NotNull(await store.GetAsync(Alice, key, CancellationToken.None).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task Listing_pages_through_fragments_in_key_order()
    {
        using var store = await OpenAsync();
        store.RequestSpace(Alice, 1 << 20);
        store.RequestSpace(Bob, 1 << 20);
        var file = FileVersion.NewFile();
        for (var block = 0; block < 7; block++)
            await store.PutAsync(Alice, Key(file, block), Fragment(Key(file, block), 10), CancellationToken.None).WaitAsync(StepTimeout);
        await store.PutAsync(Bob, Key(file, 9), Fragment(Key(file, 9), 10), CancellationToken.None).WaitAsync(StepTimeout);

        var keys = new List<FragmentKey>();
        FragmentKey? after = null;
        FragmentPage page;
        do
        {
            page = store.List(Alice, new FragmentListQuery(file, after), limit: 3);
            keys.AddRange(page.Fragments.Select(f => f.Key));
            after = page.Fragments[^1].Key;
        }
        while (page.More);

        Assert.Equal(Enumerable.Range(0, 7).Select(b => Key(file, b)), keys);
    }

    /// <summary>Fills a 256 KiB tmpfs under the fragments folder until the disk is full (needs root to mount it).</summary>
    [Fact]
    public async Task A_full_disk_is_a_clean_refusal_that_leaves_no_temp_file_and_no_half_indexed_fragment()
    {
        Directory.CreateDirectory(FragmentsFolder);
        using var tmpfs = SmallDisk.Mount(FragmentsFolder, sizeKiB: 256);
        using var store = await OpenAsync();
        store.RequestSpace(Alice, 8 << 20);
        var file = FileVersion.NewFile();
        var stored = new Dictionary<FragmentKey, byte[]>();

        StoreRefusedException? refusal = null;
        for (var block = 0; refusal is null && block < 64; block++)
        {
            var key = Key(file, block);
            var fragment = Fragment(key, 60_000);
            try
            {
                await store.PutAsync(Alice, key, fragment, CancellationToken.None).WaitAsync(StepTimeout);
                stored[key] = fragment;
            }
            catch (StoreRefusedException e)
            {
                refusal = e;
            }
        }

        Assert.NotNull(refusal);
        Assert.StartsWith("disk full", refusal.Reason, StringComparison.Ordinal);
        Assert.NotEmpty(stored);
        Assert.Empty(Directory.GetFiles(FragmentsFolder, "*" + AtomicFile.TempSuffix, SearchOption.AllDirectories));
        Assert.Equal(stored.Keys.ToHashSet(), store.List(Alice, default).Fragments.Select(f => f.Key).ToHashSet());
        foreach (var (key, bytes) in stored)
            Assert.Equal(bytes, await store.GetAsync(Alice, key, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal(stored.Values.Sum(b => (long)b.Length), store.Usage().UsedBytes);

        // Room made by a delete is usable again.
        Assert.Equal(stored.Count, store.Delete(Alice, file));
        var again = Key(file, 100);
        await store.PutAsync(Alice, again, Fragment(again, 60_000), CancellationToken.None).WaitAsync(StepTimeout);
    }

    private Task<FragmentStore> OpenAsync() => FragmentStore.OpenAsync(_folder, () => Donated, CancellationToken.None)
        .WaitAsync(StepTimeout);

    private string FileOf(FragmentKey key) =>
        Directory.GetFiles(FragmentsFolder, Convert.ToHexStringLower(key.ToBytes()) + ".*", SearchOption.AllDirectories).Single();

    private static CustomerIdentity Customer(string name) => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), name);
}
