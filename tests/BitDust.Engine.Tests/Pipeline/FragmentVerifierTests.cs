using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using FsCheck;
using FsCheck.Fluent;
using static BitDust.Engine.Tests.Pipeline.PipelineFixture;

namespace BitDust.Engine.Tests.Pipeline;

/// <summary>What audits and the rebuild trust a fragment by: the manifest and the data key, no copy of the file.</summary>
public sealed class FragmentVerifierTests
{
    [Fact]
    public void A_stored_fragment_passes_as_written_and_fails_with_any_one_byte_flipped_or_under_another_address()
    {
        var scheme = new ErasureScheme(4, 3);
        var file = FileVersion.NewFile();
        using var key = DataKey.Generate();
        using var encoder = new BlockEncoder(file, key, new ReedSolomon(scheme), compressor: null);
        var content = RandomBytes(3000, 11);
        using var block = encoder.Encode(0, content);
        var manifest = new Manifest(file, content.Length, SmallBlock, scheme, DateTimeOffset.UtcNow, new byte[40], [block.Entry]);
        using var verifier = new FragmentVerifier(manifest, key);
        var fragments = Enumerable.Range(0, scheme.Total).Select(block.ToFragmentBytes).ToArray();
        for (var i = 0; i < scheme.Total; i++)
        {
            Assert.Null(verifier.VerifyStored(new FragmentAddress(file, 0, i), fragments[i]));
            Assert.NotNull(verifier.VerifyStored(new FragmentAddress(file, 0, (i + 1) % scheme.Total), fragments[i]));
        }

        var flips = from position in Gen.Choose(0, scheme.Total - 1)
                    from offset in Gen.Choose(0, fragments[0].Length - 1)
                    from bit in Gen.Choose(0, 7)
                    select (position, offset, bit);
        Prop.ForAll(flips.ToArbitrary(), flip =>
        {
            var damaged = fragments[flip.position].ToArray();
            damaged[flip.offset] ^= (byte)(1 << flip.bit);
            return verifier.VerifyStored(new FragmentAddress(file, 0, flip.position), damaged) is not null;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
        Assert.Equal("payload is 10 bytes, expected " + block.ShardLength,
            verifier.VerifyStored(new FragmentAddress(file, 0, 2), fragments[2][..(FragmentHeader.Size + 10)]));
    }
}
