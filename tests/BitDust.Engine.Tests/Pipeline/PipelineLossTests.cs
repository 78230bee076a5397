using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using static BitDust.Engine.Tests.Pipeline.PipelineFixture;

namespace BitDust.Engine.Tests.Pipeline;

public sealed class PipelineLossTests
{
    [Fact]
    public void Losing_any_m_fragments_of_every_block_loses_nothing()
    {
        using var masterKey = MasterKey.Generate();
        var cases = from suppliers in Gen.Elements(4, 7, 13, 18)
                    from seed in Gen.Choose(0, int.MaxValue)
                    select (suppliers, seed);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            using var store = new MemoryFragmentStore();
            var scheme = ErasureScheme.ForSuppliers(c.suppliers);
            var content = RandomBytes(4 * SmallBlock + 5, c.seed);
            var manifest = WriteAsync(content, masterKey, Options(scheme), store).GetAwaiter().GetResult();
            var random = new Random(c.seed);
            for (var block = 0; block < manifest.Blocks.Count; block++)
            {
                foreach (var lost in Enumerable.Range(0, scheme.Total).OrderBy(_ => random.Next()).Take(scheme.ParityCount))
                    store.Remove(new FragmentAddress(manifest.File, block, lost));
            }
            return ReadAsync(manifest, masterKey, store).GetAwaiter().GetResult().AsSpan().SequenceEqual(content);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(25));
    }

    [Fact]
    public async Task A_flipped_bit_in_a_stored_fragment_is_caught_and_repaired_from_parity()
    {
        using var masterKey = MasterKey.Generate();
        using var store = new MemoryFragmentStore();
        var content = RandomBytes(3 * SmallBlock, 7);
        var manifest = await WriteAsync(content, masterKey, Options(ErasureScheme.ForSuppliers(7)), store);

        for (var block = 0; block < manifest.Blocks.Count; block++)
        {
            for (var i = 0; i < manifest.Scheme.ParityCount; i++)
                store.PayloadOf(new FragmentAddress(manifest.File, block, i)).Span[block * 31 + i] ^= 0x10;
        }

        Assert.Equal(content, await ReadAsync(manifest, masterKey, store));
    }

    [Fact]
    public async Task One_fragment_too_many_lost_is_a_clear_error_naming_block_and_fragments()
    {
        using var masterKey = MasterKey.Generate();
        using var store = new MemoryFragmentStore();
        var manifest = await WriteAsync(RandomBytes(3 * SmallBlock, 8), masterKey, Options(ErasureScheme.ForSuppliers(7)), store);
        foreach (var lost in new[] { 0, 2, 5 })
            store.Remove(new FragmentAddress(manifest.File, 1, lost));
        store.PayloadOf(new FragmentAddress(manifest.File, 1, 6)).Span[0] ^= 1;

        var error = await Assert.ThrowsAsync<BlockUnavailableException>(() => ReadAsync(manifest, masterKey, store));

        Assert.Equal(1, error.BlockIndex);
        Assert.Equal(3, error.Verified);
        Assert.Equal(4, error.Needed);
        Assert.Contains("Block 1 of", error.Message, StringComparison.Ordinal);
        Assert.Contains("fragment 0 (memory position 0): unavailable", error.Message, StringComparison.Ordinal);
        Assert.Contains("fragment 6 (memory position 6): failed its integrity check", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_of_an_unreadable_block_reaches_the_output()
    {
        using var masterKey = MasterKey.Generate();
        using var store = new MemoryFragmentStore();
        var content = RandomBytes(4 * SmallBlock, 9);
        var manifest = await WriteAsync(content, masterKey, Options(ErasureScheme.ForSuppliers(2)), store);
        store.Remove(new FragmentAddress(manifest.File, 2, 0));
        store.Remove(new FragmentAddress(manifest.File, 2, 1));

        using var key = manifest.UnwrapKey(masterKey);
        using var decoder = new BlockDecoder(manifest, key, new ReedSolomon(manifest.Scheme));
        using var output = new MemoryStream();
        await Assert.ThrowsAsync<BlockUnavailableException>(() =>
            VersionReader.ReadAsync(decoder, store, output, 0, manifest.Size, 1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(content.AsSpan(0, 2 * SmallBlock).ToArray(), output.ToArray());
    }

    [Fact]
    public async Task A_fragment_of_another_version_is_refused()
    {
        using var masterKey = MasterKey.Generate();
        using var store = new MemoryFragmentStore();
        var file = FileVersion.NewFile();
        var content = RandomBytes(SmallBlock, 10);
        var v1 = await WriteAsync(content, masterKey, Options(ErasureScheme.ForSuppliers(2)), store, file);
        var v2 = await WriteAsync(content, masterKey, Options(ErasureScheme.ForSuppliers(2)), store, file.Next());
        var swapped = new SwappingSource(store, v1.File, v2.File);

        var error = await Assert.ThrowsAsync<BlockUnavailableException>(() => ReadAsync(v2, masterKey, swapped));

        Assert.All(error.Failures, f => Assert.Contains("failed its integrity check", f, StringComparison.Ordinal));
    }

    /// <summary>A supplier answering with the fragment of another version at the same position.</summary>
    private sealed class SwappingSource(MemoryFragmentStore store, FileVersion from, FileVersion to) : IFragmentSource
    {
        public ValueTask<string?> ReadAsync(FragmentAddress address, Memory<byte> payload, CancellationToken cancellationToken)
        {
            var source = address.File == to ? address with { File = from } : address;
            store.PayloadOf(source).CopyTo(payload);
            return ValueTask.FromResult<string?>(null);
        }

        public string Describe(int fragmentIndex) => store.Describe(fragmentIndex);
    }
}
