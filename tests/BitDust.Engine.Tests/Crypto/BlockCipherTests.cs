using BitDust.Engine.Crypto;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BitDust.Engine.Tests.Crypto;

public class BlockCipherTests
{
    private const int MaxBlock = 1 << 20;

    private static readonly Gen<long> BlockIndex = Gen.OneOf(
        Gen.Choose(0, 1000).Select(i => (long)i),
        Gen.Choose(0, int.MaxValue).Select(i => ((long)i << 31) | (uint)i),
        Gen.Constant(long.MaxValue));

    [Fact]
    public void Seal_then_open_gives_back_the_block()
    {
        using var dataKey = DataKey.Generate();
        using var cipher = dataKey.CreateBlockCipher();
        var cases =
            from plaintext in TestData.BytesGen(0, MaxBlock)
            from associatedData in TestData.BytesGen(0, 64)
            from index in BlockIndex
            select (plaintext, associatedData, index);

        Check.QuickThrowOnFailure(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (plaintext, associatedData, index) = c;
            var ciphertext = new byte[plaintext.Length];
            var tag = new byte[BlockCipher.TagSize];
            cipher.Seal(index, associatedData, plaintext, ciphertext, tag);

            var opened = new byte[plaintext.Length];
            cipher.Open(index, associatedData, ciphertext, tag, opened);

            return opened.AsSpan().SequenceEqual(plaintext) && (plaintext.Length < 16 || !ciphertext.AsSpan().SequenceEqual(plaintext));
        }));
    }

    [Fact]
    public void A_flipped_bit_in_ciphertext_tag_or_associated_data_is_tampering()
    {
        using var dataKey = DataKey.Generate();
        using var cipher = dataKey.CreateBlockCipher();
        var cases =
            from plaintext in TestData.BytesGen(1, 4096)
            from associatedData in TestData.BytesGen(1, 32)
            from bit in Gen.Choose(0, (plaintext.Length + BlockCipher.TagSize + associatedData.Length) * 8 - 1)
            select (plaintext, associatedData, bit);

        Check.QuickThrowOnFailure(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (plaintext, associatedData, bit) = c;
            var sealedBlock = new byte[plaintext.Length + BlockCipher.TagSize];
            cipher.Seal(7, associatedData, plaintext, sealedBlock.AsSpan(0, plaintext.Length), sealedBlock.AsSpan(plaintext.Length));

            var flipped = TestData.FlipBit([.. sealedBlock, .. associatedData], bit);
            var ciphertext = flipped.AsSpan(0, plaintext.Length).ToArray();
            var tag = flipped.AsSpan(plaintext.Length, BlockCipher.TagSize).ToArray();
            var ad = flipped.AsSpan(sealedBlock.Length).ToArray();

            var error = Assert.Throws<TamperedDataException>(() => cipher.Open(7, ad, ciphertext, tag, new byte[plaintext.Length]));
            Assert.Contains("Block 7", error.Message, StringComparison.Ordinal);
        }));
    }

    [Fact]
    public void A_block_opened_at_another_index_is_tampering()
    {
        using var dataKey = DataKey.Generate();
        using var cipher = dataKey.CreateBlockCipher();
        var plaintext = TestData.Filled(1000, 3);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[BlockCipher.TagSize];
        cipher.Seal(5, "v1"u8, plaintext, ciphertext, tag);

        Check.QuickThrowOnFailure(Prop.ForAll(BlockIndex.Where(i => i != 5).ToArbitrary(), index =>
            Assert.Throws<TamperedDataException>(() => cipher.Open(index, "v1"u8, ciphertext, tag, new byte[plaintext.Length]))));
    }

    [Fact]
    public void A_failed_open_leaves_no_plaintext_behind()
    {
        using var dataKey = DataKey.Generate();
        using var cipher = dataKey.CreateBlockCipher();
        var plaintext = TestData.Filled(256, 4);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[BlockCipher.TagSize];
        cipher.Seal(0, default, plaintext, ciphertext, tag);
        tag[0] ^= 1;
        var output = new byte[plaintext.Length];

        Assert.Throws<TamperedDataException>(() => cipher.Open(0, default, ciphertext, tag, output));

        Assert.All(output, b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_block_sealed_under_another_data_key_does_not_open()
    {
        using var sealerKey = DataKey.Generate();
        using var openerKey = DataKey.Generate();
        using var sealer = sealerKey.CreateBlockCipher();
        using var opener = openerKey.CreateBlockCipher();
        var ciphertext = new byte[100];
        var tag = new byte[BlockCipher.TagSize];
        sealer.Seal(1, default, new byte[100], ciphertext, tag);

        Assert.Throws<TamperedDataException>(() => opener.Open(1, default, ciphertext, tag, new byte[100]));
    }

    [Fact]
    public void Nonce_is_four_zero_bytes_then_the_big_endian_block_index()
    {
        var nonce = new byte[BlockCipher.NonceSize];

        BlockCipher.WriteNonce(0x0102030405060708, nonce);

        Assert.Equal(new byte[] { 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 }, nonce);
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockCipher.WriteNonce(-1, nonce));
    }

    [Property]
    public Property Distinct_block_indices_give_distinct_nonces()
    {
        return Prop.ForAll(Gen.Two(BlockIndex).ToArbitrary(), pair =>
        {
            var (a, b) = pair;
            var nonceA = new byte[BlockCipher.NonceSize];
            var nonceB = new byte[BlockCipher.NonceSize];
            BlockCipher.WriteNonce(a, nonceA);
            BlockCipher.WriteNonce(b, nonceB);
            return (a == b) == nonceA.AsSpan().SequenceEqual(nonceB);
        });
    }

    [Fact]
    public void The_same_block_index_under_two_data_keys_gives_different_ciphertexts()
    {
        using var firstKey = DataKey.Generate();
        using var secondKey = DataKey.Generate();
        using var first = firstKey.CreateBlockCipher();
        using var second = secondKey.CreateBlockCipher();
        var plaintext = new byte[64];
        var ciphertextA = new byte[64];
        var ciphertextB = new byte[64];
        var tagA = new byte[BlockCipher.TagSize];
        var tagB = new byte[BlockCipher.TagSize];

        first.Seal(0, default, plaintext, ciphertextA, tagA);
        second.Seal(0, default, plaintext, ciphertextB, tagB);

        Assert.NotEqual(ciphertextA, ciphertextB);
        Assert.NotEqual(tagA, tagB);
    }
}
