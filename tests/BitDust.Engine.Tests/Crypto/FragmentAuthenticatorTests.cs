using BitDust.Engine.Crypto;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BitDust.Engine.Tests.Crypto;

public class FragmentAuthenticatorTests
{
    /// <summary>A fragment position: block index, fragment index, k, m.</summary>
    private sealed record Position(long Block, int Fragment, int DataCount, int ParityCount);

    private static readonly Gen<Position> Positions =
        from dataCount in Gen.Choose(1, 255)
        from parityCount in Gen.Choose(0, FragmentAuthenticator.MaxFragments - dataCount)
        from fragment in Gen.Choose(0, dataCount + parityCount - 1)
        from block in Gen.OneOf(Gen.Choose(0, 3), Gen.Choose(0, int.MaxValue)).Select(i => (long)i * 3)
        select new Position(block, fragment, dataCount, parityCount);

    [Fact]
    public void A_tag_verifies_for_its_payload_and_position()
    {
        using var dataKey = DataKey.Generate();
        using var authenticator = dataKey.CreateFragmentAuthenticator();
        var cases = Gen.Zip(Positions, TestData.BytesGen(0, 1 << 16));

        Check.QuickThrowOnFailure(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (p, payload) = c;
            var tag = new byte[FragmentAuthenticator.TagSize];
            authenticator.ComputeTag(p.Block, p.Fragment, p.DataCount, p.ParityCount, payload, tag);
            return authenticator.Verify(p.Block, p.Fragment, p.DataCount, p.ParityCount, payload, tag);
        }));
    }

    [Fact]
    public void A_tag_fails_for_another_block_fragment_or_scheme()
    {
        using var dataKey = DataKey.Generate();
        using var authenticator = dataKey.CreateFragmentAuthenticator();
        var payload = TestData.Filled(4096, 5);

        Check.QuickThrowOnFailure(Prop.ForAll(Gen.Two(Positions).ToArbitrary(), pair =>
        {
            var (tagged, other) = pair;
            var tag = new byte[FragmentAuthenticator.TagSize];
            authenticator.ComputeTag(tagged.Block, tagged.Fragment, tagged.DataCount, tagged.ParityCount, payload, tag);
            var verifies = authenticator.Verify(other.Block, other.Fragment, other.DataCount, other.ParityCount, payload, tag);
            return verifies == (tagged == other);
        }));
    }

    [Fact]
    public void A_tag_fails_for_one_neighbouring_position()
    {
        using var dataKey = DataKey.Generate();
        using var authenticator = dataKey.CreateFragmentAuthenticator();
        var payload = TestData.Filled(100, 6);
        var tag = new byte[FragmentAuthenticator.TagSize];
        authenticator.ComputeTag(10, 2, 4, 3, payload, tag);

        Assert.True(authenticator.Verify(10, 2, 4, 3, payload, tag));
        Assert.False(authenticator.Verify(11, 2, 4, 3, payload, tag));
        Assert.False(authenticator.Verify(10, 3, 4, 3, payload, tag));
        Assert.False(authenticator.Verify(10, 2, 5, 2, payload, tag));
        Assert.False(authenticator.Verify(10, 2, 4, 4, payload, tag));
    }

    [Fact]
    public void A_flipped_bit_in_payload_or_tag_fails()
    {
        using var dataKey = DataKey.Generate();
        using var authenticator = dataKey.CreateFragmentAuthenticator();
        var cases =
            from payload in TestData.BytesGen(1, 2048)
            from bit in Gen.Choose(0, (payload.Length + FragmentAuthenticator.TagSize) * 8 - 1)
            select (payload, bit);

        Check.QuickThrowOnFailure(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (payload, bit) = c;
            var tag = new byte[FragmentAuthenticator.TagSize];
            authenticator.ComputeTag(1, 0, 4, 3, payload, tag);
            var flipped = TestData.FlipBit([.. payload, .. tag], bit);
            return !authenticator.Verify(1, 0, 4, 3, flipped.AsSpan(0, payload.Length), flipped.AsSpan(payload.Length));
        }));
    }

    [Fact]
    public void Ill_sized_tags_and_other_data_keys_fail()
    {
        using var dataKey = DataKey.Generate();
        using var otherKey = DataKey.Generate();
        using var authenticator = dataKey.CreateFragmentAuthenticator();
        using var other = otherKey.CreateFragmentAuthenticator();
        var payload = TestData.Filled(500, 8);
        var tag = new byte[FragmentAuthenticator.TagSize];
        authenticator.ComputeTag(0, 0, 1, 1, payload, tag);

        Assert.False(other.Verify(0, 0, 1, 1, payload, tag));
        Assert.False(authenticator.Verify(0, 0, 1, 1, payload, tag.AsSpan(0, 15)));
        Assert.False(authenticator.Verify(0, 0, 1, 1, payload, [.. tag, 0]));
        Assert.False(authenticator.Verify(0, 0, 1, 1, payload, []));
    }

    [Fact]
    public void Fragment_tags_are_not_block_cipher_tags()
    {
        using var dataKey = DataKey.Generate();
        using var authenticator = dataKey.CreateFragmentAuthenticator();
        using var cipher = dataKey.CreateBlockCipher();
        var payload = TestData.Filled(64, 2);
        var fragmentTag = new byte[FragmentAuthenticator.TagSize];
        var blockTag = new byte[BlockCipher.TagSize];

        authenticator.ComputeTag(0, 0, 1, 0, payload, fragmentTag);
        cipher.Seal(0, payload, [], [], blockTag);

        Assert.NotEqual(fragmentTag, blockTag);
    }

    [Property]
    public Property Distinct_positions_give_distinct_nonces()
    {
        var nonce = new byte[FragmentAuthenticator.NonceSize];
        FragmentAuthenticator.WriteNonce(0x0102030405060708, 9, 13, 13, nonce);
        Assert.Equal(new byte[] { (byte)'F', 9, 13, 13, 1, 2, 3, 4, 5, 6, 7, 8 }, nonce);

        return Prop.ForAll(Gen.Two(Positions).ToArbitrary(), pair =>
        {
            var (a, b) = pair;
            var nonceA = new byte[FragmentAuthenticator.NonceSize];
            var nonceB = new byte[FragmentAuthenticator.NonceSize];
            FragmentAuthenticator.WriteNonce(a.Block, a.Fragment, a.DataCount, a.ParityCount, nonceA);
            FragmentAuthenticator.WriteNonce(b.Block, b.Fragment, b.DataCount, b.ParityCount, nonceB);
            return (a == b) == nonceA.AsSpan().SequenceEqual(nonceB);
        });
    }

    [Theory]
    [InlineData(-1, 0, 4, 3)]
    [InlineData(0, -1, 4, 3)]
    [InlineData(0, 7, 4, 3)]
    [InlineData(0, 0, 0, 3)]
    [InlineData(0, 0, 4, -1)]
    [InlineData(0, 0, 256, 0)]
    [InlineData(0, 0, 200, 57)]
    public void Positions_outside_the_scheme_are_rejected(long block, int fragment, int dataCount, int parityCount)
    {
        using var dataKey = DataKey.Generate();
        using var authenticator = dataKey.CreateFragmentAuthenticator();
        var tag = new byte[FragmentAuthenticator.TagSize];

        Assert.Throws<ArgumentOutOfRangeException>(() => authenticator.ComputeTag(block, fragment, dataCount, parityCount, [], tag));
    }
}
