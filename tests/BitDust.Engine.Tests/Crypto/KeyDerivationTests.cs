using BitDust.Engine.Crypto;

namespace BitDust.Engine.Tests.Crypto;

public class KeyDerivationTests
{
    private static readonly byte[] InputKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    // Known answers from an independent HKDF-SHA256 (Python hmac): subkeys are part of the stored formats.
    [Fact]
    public void Derives_the_RFC_5869_HKDF_SHA256_output()
    {
        var output = new byte[32];

        KeyDerivation.DeriveKey(InputKey, "bitdust/block", output);
        Assert.Equal("73876816f27742ecd3a4b1e4965dcbfd5ee50d5c84f1fb9ea9926d151964efbe", Convert.ToHexStringLower(output));

        KeyDerivation.DeriveKey(InputKey, "bitdust/block", output, "salt"u8);
        Assert.Equal("6b2fcb1510581aa635dd5cd2a13f205b4360d589116ab6ae95cf5474c7351f46", Convert.ToHexStringLower(output));
    }

    [Fact]
    public void Different_purposes_give_unrelated_keys()
    {
        var block = new byte[32];
        var fragment = new byte[32];
        KeyDerivation.DeriveKey(InputKey, "bitdust/block", block);
        KeyDerivation.DeriveKey(InputKey, "bitdust/fragment", fragment);
        Assert.NotEqual(block, fragment);
    }

    [Fact]
    public void Rejects_an_empty_purpose_or_input_key()
    {
        var output = new byte[32];
        Assert.Throws<ArgumentException>(() => KeyDerivation.DeriveKey(InputKey, "", output));
        Assert.Throws<ArgumentException>(() => KeyDerivation.DeriveKey([], "bitdust/block", output));
    }
}
