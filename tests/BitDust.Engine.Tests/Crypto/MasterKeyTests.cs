using BitDust.Engine.Crypto;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Crypto;

public class MasterKeyTests
{
    private static readonly byte[] Context = "file 42 version 7"u8.ToArray();

    [Fact]
    public void Key_id_is_derived_from_the_key()
    {
        using var key = MasterKey.FromBytes(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        using var other = MasterKey.Generate();

        Assert.Equal("c42dd9cbaa2200d4", Convert.ToHexStringLower(key.KeyId));
        Assert.NotEqual(key.KeyId.ToArray(), other.KeyId.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void FromBytes_rejects_a_key_of_the_wrong_size(int size) =>
        Assert.Throws<MalformedKeyMaterialException>(() => MasterKey.FromBytes(new byte[size]));

    [Fact]
    public void CopyTo_gives_back_the_key_bytes()
    {
        var bytes = TestData.Filled(MasterKey.Size, 1);
        using var key = MasterKey.FromBytes(bytes);
        var copy = new byte[MasterKey.Size];

        key.CopyTo(copy);

        Assert.Equal(bytes, copy);
    }

    [Fact]
    public void Wrap_then_unwrap_gives_back_the_data_key()
    {
        using var master = MasterKey.Generate();
        Check.QuickThrowOnFailure(Prop.ForAll(TestData.Bytes(100), context =>
        {
            using var dataKey = DataKey.Generate();
            using var unwrapped = master.UnwrapDataKey(master.WrapDataKey(dataKey, context), context);
            return dataKey.Bytes.SequenceEqual(unwrapped.Bytes);
        }));
    }

    [Fact]
    public void Wrapped_key_has_the_documented_layout_and_a_fresh_nonce()
    {
        using var master = MasterKey.Generate();
        using var dataKey = DataKey.Generate();

        var first = master.WrapDataKey(dataKey, Context);
        var second = master.WrapDataKey(dataKey, Context);

        Assert.Equal(MasterKey.WrappedKeySize, first.Length);
        Assert.Equal(69, MasterKey.WrappedKeySize);
        Assert.Equal(1, first[0]);
        Assert.Equal(master.KeyId.ToArray(), first[1..9]);
        Assert.NotEqual(first[9..21], second[9..21]);
        Assert.NotEqual(first[21..], second[21..]);
    }

    [Fact]
    public void Unwrapping_under_another_master_key_is_a_wrong_key()
    {
        using var master = MasterKey.Generate();
        using var other = MasterKey.Generate();
        using var dataKey = DataKey.Generate();
        var wrapped = master.WrapDataKey(dataKey, Context);

        var error = Assert.Throws<WrongKeyException>(() => other.UnwrapDataKey(wrapped, Context));
        Assert.Contains(Convert.ToHexStringLower(master.KeyId), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_flipped_bit_is_tampering_except_in_the_version_byte()
    {
        using var master = MasterKey.Generate();
        using var dataKey = DataKey.Generate();
        var wrapped = master.WrapDataKey(dataKey, Context);

        for (var bit = 0; bit < wrapped.Length * 8; bit++)
        {
            var flipped = TestData.FlipBit(wrapped, bit);
            if (bit < 8)
                Assert.Throws<MalformedKeyMaterialException>(() => master.UnwrapDataKey(flipped, Context));
            else
                Assert.Throws<TamperedDataException>(() => master.UnwrapDataKey(flipped, Context));
        }
    }

    [Fact]
    public void A_wrapped_key_moved_to_another_file_version_is_tampering()
    {
        using var master = MasterKey.Generate();
        using var dataKey = DataKey.Generate();
        var wrapped = master.WrapDataKey(dataKey, Context);

        Check.QuickThrowOnFailure(Prop.ForAll(TestData.Bytes(40), context =>
        {
            if (context.AsSpan().SequenceEqual(Context))
                return;
            Assert.Throws<TamperedDataException>(() => master.UnwrapDataKey(wrapped, context));
        }));
    }

    [Fact]
    public void Garbage_truncated_or_extended_wrapped_keys_fail_with_typed_errors_only()
    {
        using var master = MasterKey.Generate();
        using var dataKey = DataKey.Generate();
        var wrapped = master.WrapDataKey(dataKey, Context);

        Check.QuickThrowOnFailure(Prop.ForAll(TestData.Mangled(wrapped, 100), mangled =>
        {
            // Cut and refilled to the right size, it reads as tampered, or as made under another key.
            if (mangled.Length == MasterKey.WrappedKeySize)
                Assert.ThrowsAny<CryptoException>(() => master.UnwrapDataKey(mangled, Context));
            else
                Assert.Throws<MalformedKeyMaterialException>(() => master.UnwrapDataKey(mangled, Context));
        }));

        var garbage = Gen.OneOf(TestData.BytesGen(0, 200), TestData.BytesGen(MasterKey.WrappedKeySize, MasterKey.WrappedKeySize))
            .Select(bytes =>
            {
                if (bytes.Length > 0 && bytes.Length % 2 == 0)
                    bytes[0] = 1;
                return bytes;
            });
        Check.QuickThrowOnFailure(Prop.ForAll(garbage.ToArbitrary(), bytes =>
            Assert.ThrowsAny<CryptoException>(() => master.UnwrapDataKey(bytes, Context))));
    }

    [Fact]
    public void Dispose_wipes_the_key()
    {
        var key = MasterKey.Generate();
        var secrets = Secrets.Of(key, "_key", "_wrapKey");
        Assert.All(secrets, secret => Assert.Contains(secret, b => b != 0));

        key.Dispose();

        Assert.All(secrets, secret => Assert.All(secret, b => Assert.Equal(0, b)));
        Assert.Throws<ObjectDisposedException>(() => key.CopyTo(new byte[MasterKey.Size]));
    }
}
