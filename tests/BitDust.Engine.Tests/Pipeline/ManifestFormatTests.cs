using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.TestSupport;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static BitDust.Engine.Tests.Pipeline.PipelineFixture;

namespace BitDust.Engine.Tests.Pipeline;

public sealed class ManifestFormatTests : IDisposable
{
    private readonly IdentityKey _owner = IdentityKey.Generate();
    private readonly IdentityKey _stranger = IdentityKey.Generate();
    private readonly MasterKey _masterKey = MasterKey.Generate();

    [Fact]
    public async Task A_signed_manifest_reads_back_identical()
    {
        var manifest = await MakeManifestAsync(5 * SmallBlock + 3);

        var read = Manifest.Read(manifest.Sign(_owner), _owner.PublicKey);

        Assert.Equal(manifest.File, read.File);
        Assert.Equal(manifest.Size, read.Size);
        Assert.Equal(manifest.BlockSize, read.BlockSize);
        Assert.Equal(manifest.Scheme, read.Scheme);
        Assert.Equal(manifest.Created.ToUnixTimeMilliseconds(), read.Created.ToUnixTimeMilliseconds());
        Assert.Equal(manifest.WrappedKey, read.WrappedKey);
        Assert.Equal(_owner.PublicKey.Fingerprint, read.SignerFingerprint);
        for (var i = 0; i < manifest.Blocks.Count; i++)
        {
            Assert.Equal(manifest.Blocks[i].Codec, read.Blocks[i].Codec);
            Assert.Equal(manifest.Blocks[i].StoredLength, read.Blocks[i].StoredLength);
            Assert.Equal(manifest.Blocks[i].BlockTag, read.Blocks[i].BlockTag);
            Assert.Equal(manifest.Blocks[i].FragmentTags, read.Blocks[i].FragmentTags);
        }
    }

    [Property(MaxTest = 500)]
    public bool Random_bytes_are_refused_with_a_reason(byte[] bytes) =>
        !Manifest.TryRead(bytes, _owner.PublicKey, out _, out var error) && !string.IsNullOrWhiteSpace(error);

    [Fact]
    public async Task Garbage_after_a_valid_magic_is_refused_with_a_reason()
    {
        var valid = (await MakeManifestAsync(3 * SmallBlock)).Sign(_owner);
        var garbage = from length in Gen.Choose(0, 600)
                      from tail in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), length)
                      from keep in Gen.Choose(4, 80)
                      select valid.AsSpan(0, keep).ToArray().Concat(tail).ToArray();
        Prop.ForAll(garbage.ToArbitrary(), bytes => !Manifest.TryRead(bytes, _owner.PublicKey, out _, out var error) && error.Length > 0)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public async Task Every_truncation_and_every_flipped_bit_is_refused()
    {
        var valid = (await MakeManifestAsync(2 * SmallBlock + 1)).Sign(_owner);
        for (var length = 0; length < valid.Length; length++)
            Assert.False(Manifest.TryRead(valid.AsSpan(0, length), _owner.PublicKey, out _, out _), $"prefix of {length} bytes accepted");
        Assert.False(Manifest.TryRead([.. valid, 0], _owner.PublicKey, out _, out var extra));
        Assert.Contains("unexpected bytes", extra, StringComparison.Ordinal);

        Prop.ForAll(Gen.Choose(0, valid.Length * 8 - 1).ToArbitrary(), bit =>
        {
            var flipped = (byte[])valid.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            return !Manifest.TryRead(flipped, _owner.PublicKey, out _, out _);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public async Task A_manifest_signed_by_someone_else_is_refused_naming_the_signer()
    {
        var manifest = await MakeManifestAsync(SmallBlock);

        Assert.False(Manifest.TryRead(manifest.Sign(_stranger), _owner.PublicKey, out _, out var error));

        Assert.Contains("signed by another identity", error, StringComparison.Ordinal);
        Assert.Contains(_stranger.PublicKey.Fingerprint[..16], error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_rewritten_under_the_owners_fingerprint_but_another_key_is_refused()
    {
        var manifest = await MakeManifestAsync(SmallBlock);
        var forged = manifest.Sign(_stranger);
        // Put the owner's fingerprint where the stranger's is; the signature no longer matches any key the owner has.
        var offset = 4 + 2 + FileVersion.Size + 8 + 4 + 2 + 2 + 8;
        Convert.FromHexString(_owner.PublicKey.Fingerprint).CopyTo(forged, offset);

        Assert.False(Manifest.TryRead(forged, _owner.PublicKey, out _, out var error));
        Assert.Contains("bad signature", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_manifest_is_refused_before_parsing()
    {
        var huge = new byte[Manifest.MaxSize + 1];
        "BDMF"u8.CopyTo(huge);

        Assert.False(Manifest.TryRead(huge, _owner.PublicKey, out _, out var error));
        Assert.Contains("over the", error, StringComparison.Ordinal);
    }

    private async Task<Manifest> MakeManifestAsync(int size)
    {
        using var store = new MemoryFragmentStore();
        return await WriteAsync(RandomBytes(size, size), _masterKey, Options(ErasureScheme.ForSuppliers(7)), store);
    }

    public void Dispose()
    {
        _owner.Dispose();
        _stranger.Dispose();
        _masterKey.Dispose();
    }
}
