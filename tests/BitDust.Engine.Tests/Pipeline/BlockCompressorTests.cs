using BitDust.Engine.Pipeline;
using FsCheck;
using FsCheck.Fluent;
using static BitDust.Engine.Tests.Pipeline.PipelineFixture;

namespace BitDust.Engine.Tests.Pipeline;

public sealed class BlockCompressorTests
{
    private readonly BlockCompressor _compressor = new();

    [Fact]
    public void Text_is_compressed_and_restored_exactly()
    {
        var text = CompressibleBytes(256 * 1024, 1);
        var compressed = new byte[BlockCompressor.MaxCompressedLength(text.Length)];

        var codec = _compressor.TryCompress(text, compressed, out var length);
        var restored = new byte[text.Length];

        Assert.Equal(BlockCodec.Zstd, codec);
        Assert.True(length < text.Length / 2);
        Assert.True(BlockCompressor.TryDecompress(codec, compressed.AsSpan(0, length), restored, out var error), error);
        Assert.Equal(text, restored);
    }

    [Fact]
    public void Random_bytes_are_recognised_as_incompressible_and_left_alone()
    {
        Prop.ForAll(Gen.Choose(4096, 1 << 20).ToArbitrary(), length =>
        {
            var noise = RandomBytes(length, length);
            return BlockCompressor.LooksIncompressible(noise) &&
                   _compressor.TryCompress(noise, new byte[BlockCompressor.MaxCompressedLength(length)], out _) == BlockCodec.None;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(30));
    }

    [Fact]
    public void Repetitive_data_is_not_mistaken_for_noise()
    {
        Assert.False(BlockCompressor.LooksIncompressible(new byte[1 << 20]));
        Assert.False(BlockCompressor.LooksIncompressible(CompressibleBytes(1 << 20, 2)));
    }

    [Fact]
    public void Garbage_given_to_the_decompressor_is_refused_with_a_reason()
    {
        var cases = from stored in ArbMap.Default.GeneratorFor<byte[]>()
                    from length in Gen.Choose(0, 70000)
                    from codec in Gen.Elements((BlockCodec)0, (BlockCodec)1, (BlockCodec)2, (BlockCodec)255)
                    select (stored, length, codec);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var destination = new byte[c.length];
            if (BlockCompressor.TryDecompress(c.codec, c.stored, destination, out var error))
                return c.codec is BlockCodec.None or BlockCodec.Zstd;
            return error.Length > 0;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void A_zstd_frame_of_the_wrong_length_is_refused()
    {
        var text = CompressibleBytes(10000, 3);
        var compressed = new byte[BlockCompressor.MaxCompressedLength(text.Length)];
        _compressor.TryCompress(text, compressed, out var length);

        Assert.False(BlockCompressor.TryDecompress(BlockCodec.Zstd, compressed.AsSpan(0, length), new byte[text.Length + 1], out var error));
        Assert.Contains("expected", error, StringComparison.Ordinal);
    }
}
