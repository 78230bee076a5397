using BitDust.Engine.Coding;
using BitDust.Engine.Pipeline;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Pipeline;

public sealed class FragmentHeaderTests
{
    [Fact]
    public void Valid_headers_round_trip()
    {
        var headers = from k in Gen.Choose(1, 128)
                      from m in Gen.Choose(0, 128)
                      from index in Gen.Choose(0, k + m - 1)
                      from block in Gen.Choose(0, (int)PipelineLimits.MaxBlocks - 1)
                      from length in Gen.Choose(0, FragmentHeader.MaxPayloadLength)
                      from version in Gen.Choose(1, int.MaxValue)
                      from tag in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 16)
                      select new FragmentHeader(new FileVersion(Guid.NewGuid(), version), block, index, new ErasureScheme(k, m), length, tag);
        Prop.ForAll(headers.ToArbitrary(), header =>
        {
            Assert.True(FragmentHeader.TryRead(header.ToBytes(), out var read, out var error), error);
            return read.File == header.File && read.BlockIndex == header.BlockIndex && read.FragmentIndex == header.FragmentIndex &&
                   read.Scheme == header.Scheme && read.PayloadLength == header.PayloadLength && read.Tag.SequenceEqual(header.Tag);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Random_bytes_are_refused_with_a_reason()
    {
        var garbage = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 60).Select(tail => "BDFR\u0001\0"u8.ToArray().Concat(tail).ToArray()));
        Prop.ForAll(garbage.ToArbitrary(), bytes =>
        {
            if (FragmentHeader.TryRead(bytes, out var header, out var error))
                return header.FragmentIndex < header.Scheme.Total && header.PayloadLength <= FragmentHeader.MaxPayloadLength;
            return error.Length > 0;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Theory]
    [InlineData(4, "fragment format version 9 is not supported")]
    [InlineData(10, "fragment index")]
    [InlineData(12, "payload length")]
    public void Out_of_bounds_fields_are_named(int offset, string expected)
    {
        var bytes = new FragmentHeader(FileVersion.NewFile(), 0, 1, new ErasureScheme(4, 3), 100, new byte[16]).ToBytes();
        bytes[offset] = offset == 4 ? (byte)9 : (byte)0x7f;

        Assert.False(FragmentHeader.TryRead(bytes, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
