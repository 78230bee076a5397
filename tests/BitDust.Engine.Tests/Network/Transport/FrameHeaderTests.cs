using BitDust.Engine.Network.Transport;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Network.Transport;

public sealed class FrameHeaderTests
{
    [Fact]
    public void Any_twelve_bytes_are_either_refused_with_a_reason_or_a_header_within_its_limits_that_writes_back_the_same()
    {
        var bytes = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), FrameHeader.Size);
        var plausible = from raw in bytes
                        from type in Gen.Choose(0, 14)
                        select (byte[])[0, 0, raw[2], raw[3], 1, (byte)type, 0, 0, .. raw[8..]];
        Prop.ForAll(Gen.OneOf(bytes, plausible).ToArbitrary(), raw =>
        {
            if (!FrameHeader.TryRead(raw, out var header, out var error))
                return error.Length > 0;
            FrameHeader.TryGetBounds(header.Type, out var min, out var max, out _);
            var written = new byte[FrameHeader.Size];
            header.Write(written);
            return header.Length >= min && header.Length <= max && written.AsSpan().SequenceEqual(raw);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }
}
