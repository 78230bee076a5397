using BitDust.Engine.Coding;

namespace BitDust.Engine.Tests.Coding;

public class ErasureSchemeTests
{
    [Theory]
    [InlineData(2, 1, 1)]
    [InlineData(4, 2, 2)]
    [InlineData(7, 4, 3)]
    [InlineData(13, 7, 6)]
    [InlineData(18, 9, 9)]
    [InlineData(26, 13, 13)]
    [InlineData(64, 32, 32)]
    public void Each_supplier_count_has_its_preset(int suppliers, int data, int parity)
    {
        var scheme = ErasureScheme.ForSuppliers(suppliers);
        Assert.Equal(new ErasureScheme(data, parity), scheme);
        Assert.Equal(suppliers, scheme.Total);
    }

    [Fact]
    public void Supplier_counts_are_the_presets()
    {
        Assert.Equal([2, 4, 7, 13, 18, 26, 64], ErasureScheme.SupplierCounts);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(65)]
    [InlineData(-1)]
    public void Other_supplier_counts_are_refused_naming_the_allowed_ones(int suppliers)
    {
        var error = Assert.Throws<ArgumentException>(() => ErasureScheme.ForSuppliers(suppliers));
        Assert.Contains("2, 4, 7, 13, 18, 26, 64", error.Message, StringComparison.Ordinal);
        Assert.Contains(suppliers.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, "DataCount", "at least 1 data")]
    [InlineData(-3, 2, "DataCount", "at least 1 data")]
    [InlineData(4, -1, "ParityCount", "negative")]
    [InlineData(200, 57, "ParityCount", "256")]
    public void Invalid_schemes_are_refused_with_the_reason(int data, int parity, string paramName, string reason)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ErasureScheme(data, parity));
        Assert.Equal(paramName, error.ParamName);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 255)]
    [InlineData(255, 1)]
    [InlineData(128, 128)]
    public void Schemes_up_to_256_fragments_are_allowed(int data, int parity)
    {
        var scheme = new ErasureScheme(data, parity);
        Assert.Equal(data + parity, scheme.Total);
        var (d, p) = scheme;
        Assert.Equal((data, parity), (d, p));
    }

    [Theory]
    [InlineData(4, 0, 0)]
    [InlineData(4, 1, 64)]
    [InlineData(4, 256, 64)]
    [InlineData(4, 257, 128)]
    [InlineData(7, 1048576, 149824)]
    [InlineData(1, 65, 128)]
    [InlineData(32, 65536, 2048)]
    public void Shard_length_is_the_data_share_rounded_up_to_64_bytes(int data, int block, int expected)
    {
        Assert.Equal(expected, new ErasureScheme(data, 3).ShardLength(block));
    }

    [Fact]
    public void Shard_length_refuses_a_negative_block()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ErasureScheme(4, 3).ShardLength(-1));
    }

    [Fact]
    public void Prints_as_data_plus_parity()
    {
        Assert.Equal("4+3", new ErasureScheme(4, 3).ToString());
        Assert.Equal("32+32", ErasureScheme.ForSuppliers(64).ToString());
    }

    [Fact]
    public void The_default_value_cannot_build_a_coder()
    {
        var error = Assert.Throws<ArgumentException>(() => new ReedSolomon(default));
        Assert.Contains("uninitialized", error.Message, StringComparison.Ordinal);
    }
}
