using BitDust.Engine.Crypto;

namespace BitDust.Engine.Tests.Crypto;

public class ScryptCostTests
{
    [Theory]
    [InlineData(10, 1, 1)]
    [InlineData(15, 1, 1)]
    [InlineData(22, 2, 1)]
    [InlineData(17, 32, 16)]
    [InlineData(18, 32, 1)]
    public void Costs_within_bounds_are_accepted(int logN, int blockSize, int parallelism)
    {
        var cost = new ScryptCost(logN, blockSize, parallelism);

        Assert.True(cost.MemoryBytes <= ScryptCost.MaxMemoryBytes);
    }

    [Theory]
    [InlineData(9, 8, 1)]
    [InlineData(23, 1, 1)]
    [InlineData(16, 1, 1)]
    [InlineData(14, 0, 1)]
    [InlineData(14, 33, 1)]
    [InlineData(14, 8, 0)]
    [InlineData(14, 8, 17)]
    [InlineData(22, 3, 1)]
    [InlineData(19, 32, 1)]
    public void Costs_out_of_bounds_are_refused(int logN, int blockSize, int parallelism) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScryptCost(logN, blockSize, parallelism));

    [Fact]
    public void The_default_needs_at_least_64_MiB_and_Fast_is_the_minimum()
    {
        Assert.True(ScryptCost.Default.MemoryBytes >= 64L << 20);
        Assert.Equal(ScryptCost.MinLogN, ScryptCost.Fast.LogN);
    }
}
