using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using static BitDust.Engine.Tests.Pipeline.PipelineFixture;

namespace BitDust.Engine.Tests.Pipeline;

public sealed class PipelineRoundTripTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(SmallBlock - 1)]
    [InlineData(SmallBlock)]
    [InlineData(SmallBlock + 1)]
    [InlineData(10 * SmallBlock + 17)]
    public async Task Any_size_comes_back_byte_exact(int size)
    {
        using var masterKey = MasterKey.Generate();
        using var store = new MemoryFragmentStore();
        var content = RandomBytes(size, size);

        var manifest = await WriteAsync(content, masterKey, Options(ErasureScheme.ForSuppliers(7)), store);

        Assert.Equal(size, manifest.Size);
        Assert.Equal(Manifest.BlockCountFor(size, SmallBlock), manifest.Blocks.Count);
        Assert.Equal(content, await ReadAsync(manifest, masterKey, store));
    }

    [Fact]
    public void Every_preset_and_random_sizes_round_trip()
    {
        using var masterKey = MasterKey.Generate();
        var cases = from suppliers in Gen.Elements(ErasureScheme.SupplierCounts.ToArray())
                    from size in Gen.Choose(0, 6 * SmallBlock)
                    from compressible in Gen.Elements(true, false)
                    from seed in Gen.Choose(0, int.MaxValue)
                    select (suppliers, size, compressible, seed);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            using var store = new MemoryFragmentStore();
            var content = c.compressible ? CompressibleBytes(c.size, c.seed) : RandomBytes(c.size, c.seed);
            var manifest = WriteAsync(content, masterKey, Options(ErasureScheme.ForSuppliers(c.suppliers)), store).GetAwaiter().GetResult();
            return ReadAsync(manifest, masterKey, store).GetAwaiter().GetResult().AsSpan().SequenceEqual(content);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Fact]
    public async Task Compressible_blocks_are_stored_compressed_and_random_ones_are_not()
    {
        using var masterKey = MasterKey.Generate();
        using var store = new MemoryFragmentStore();
        var text = CompressibleBytes(8 * SmallBlock, 1);
        var noise = RandomBytes(8 * SmallBlock, 2);

        var textManifest = await WriteAsync(text, masterKey, Options(ErasureScheme.ForSuppliers(4)), store);
        var noiseManifest = await WriteAsync(noise, masterKey, Options(ErasureScheme.ForSuppliers(4)), store);

        Assert.All(textManifest.Blocks, b => Assert.Equal(BlockCodec.Zstd, b.Codec));
        Assert.True(textManifest.Blocks.Sum(b => (long)b.StoredLength) < text.Length / 2);
        Assert.All(noiseManifest.Blocks, b => Assert.Equal(BlockCodec.None, b.Codec));
        Assert.Equal(text, await ReadAsync(textManifest, masterKey, store));
        Assert.Equal(noise, await ReadAsync(noiseManifest, masterKey, store));
    }

    [Fact]
    public async Task Fragments_reveal_nothing_of_the_plaintext()
    {
        using var masterKey = MasterKey.Generate();
        using var store = new MemoryFragmentStore();
        var content = CompressibleBytes(3 * SmallBlock, 3);
        var manifest = await WriteAsync(content, masterKey, Options(ErasureScheme.ForSuppliers(7), compress: false), store);

        var marker = content.AsSpan(100, 24).ToArray();
        for (var block = 0; block < manifest.Blocks.Count; block++)
        {
            for (var i = 0; i < manifest.Scheme.Total; i++)
            {
                var payload = store.PayloadOf(new FragmentAddress(manifest.File, block, i)).ToArray();
                Assert.True(payload.AsSpan().IndexOf(marker) < 0, $"fragment {i} of block {block} contains plaintext");
            }
        }
    }

    [Fact]
    public async Task A_range_read_fetches_only_the_blocks_that_cover_it()
    {
        using var masterKey = MasterKey.Generate();
        using var store = new MemoryFragmentStore();
        var content = RandomBytes(20 * SmallBlock, 4);
        var manifest = await WriteAsync(content, masterKey, Options(ErasureScheme.ForSuppliers(7)), store);
        var counting = new CountingSource(store);

        var offset = 7L * SmallBlock + 100;
        var count = 2L * SmallBlock;
        var range = await ReadAsync(manifest, masterKey, counting, offset, count);

        Assert.Equal(content.AsSpan((int)offset, (int)count).ToArray(), range);
        Assert.Equal([7L, 8L, 9L], counting.BlocksRead.Order());
        Assert.Equal(3 * manifest.Scheme.DataCount, counting.Reads);
    }

    [Fact]
    public async Task The_same_content_under_two_versions_gives_unrelated_fragments()
    {
        using var masterKey = MasterKey.Generate();
        using var store = new MemoryFragmentStore();
        var content = RandomBytes(SmallBlock, 5);
        var file = FileVersion.NewFile();
        var first = await WriteAsync(content, masterKey, Options(ErasureScheme.ForSuppliers(4)), store, file);
        var second = await WriteAsync(content, masterKey, Options(ErasureScheme.ForSuppliers(4)), store, file.Next());

        var a = store.PayloadOf(new FragmentAddress(first.File, 0, 0)).ToArray();
        var b = store.PayloadOf(new FragmentAddress(second.File, 0, 0)).ToArray();
        Assert.NotEqual(a, b);
        Assert.NotEqual(first.WrappedKey, second.WrappedKey);
    }

    [Fact]
    public async Task Another_master_key_cannot_open_the_version()
    {
        using var masterKey = MasterKey.Generate();
        using var otherKey = MasterKey.Generate();
        using var store = new MemoryFragmentStore();
        var manifest = await WriteAsync(RandomBytes(SmallBlock, 6), masterKey, Options(ErasureScheme.ForSuppliers(2)), store);

        Assert.Throws<WrongKeyException>(() => manifest.UnwrapKey(otherKey));
    }

    private sealed class CountingSource(IFragmentSource inner) : IFragmentSource
    {
        private int _reads;

        public System.Collections.Concurrent.ConcurrentDictionary<long, bool> Blocks { get; } = new();

        public IEnumerable<long> BlocksRead => Blocks.Keys;

        public int Reads => _reads;

        public ValueTask<string?> ReadAsync(FragmentAddress address, Memory<byte> payload, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            Blocks[address.BlockIndex] = true;
            return inner.ReadAsync(address, payload, cancellationToken);
        }

        public string Describe(int fragmentIndex) => inner.Describe(fragmentIndex);
    }
}
