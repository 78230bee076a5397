using BitDust.Engine.Crypto;

namespace BitDust.Engine.Tests.Crypto;

public class DataKeyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(64)]
    public void FromBytes_rejects_a_key_of_the_wrong_size(int size) =>
        Assert.Throws<MalformedKeyMaterialException>(() => DataKey.FromBytes(new byte[size]));

    [Fact]
    public void The_same_key_bytes_seal_the_same_way()
    {
        var bytes = TestData.Filled(DataKey.Size, 9);
        using var firstKey = DataKey.FromBytes(bytes);
        using var secondKey = DataKey.FromBytes(bytes);
        using var first = firstKey.CreateBlockCipher();
        using var second = secondKey.CreateBlockCipher();
        var ciphertext = new byte[32];
        var tag = new byte[BlockCipher.TagSize];
        first.Seal(3, "ad"u8, bytes, ciphertext, tag);

        var opened = new byte[32];
        second.Open(3, "ad"u8, ciphertext, tag, opened);

        Assert.Equal(bytes, opened);
    }

    [Fact]
    public void Generated_keys_differ()
    {
        using var first = DataKey.Generate();
        using var second = DataKey.Generate();
        Assert.False(first.Bytes.SequenceEqual(second.Bytes));
    }

    [Fact]
    public void Dispose_wipes_the_key()
    {
        var key = DataKey.Generate();
        var secret = Secrets.Of(key, "_key")[0];
        Assert.Contains(secret, b => b != 0);

        key.Dispose();

        Assert.All(secret, b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(key.CreateBlockCipher);
    }
}
