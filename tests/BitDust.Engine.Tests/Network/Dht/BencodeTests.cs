using System.Text;
using BitDust.Engine.Network.Dht;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BitDust.Engine.Tests.Network.Dht;

public sealed class BencodeTests
{
    private static readonly Gen<object> Values =
        ArbMap.Default.GeneratorFor<int>().Select(seed => DhtTestData.RandomValue(new Random(seed)));

    /// <summary>For <c>[Property]</c>: a generated argument of type <see cref="object"/> is a random bencode value.</summary>
    public static class BencodeValues
    {
        public static Arbitrary<object> Value() => Values.ToArbitrary();
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(BencodeValues)])]
    public bool Any_value_round_trips_byte_exactly(object value)
    {
        var encoded = Bencode.Encode(value);
        Assert.True(Bencode.TryRead(encoded, out var read, out var error, maxLength: int.MaxValue), error);
        return Bencode.Encode(read).AsSpan().SequenceEqual(encoded);
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(BencodeValues)])]
    public bool Every_truncation_of_a_value_is_refused_with_a_reason(object value)
    {
        var encoded = Bencode.Encode(value);
        for (var length = 0; length < encoded.Length; length++)
        {
            if (Bencode.TryRead(encoded.AsSpan(0, length), out _, out var error, maxLength: int.MaxValue))
                return false;
            Assert.False(string.IsNullOrEmpty(error));
        }
        return true;
    }

    [Property(MaxTest = 2000)]
    public bool Garbage_is_refused_with_a_reason_or_read_canonically_never_thrown(byte[] garbage)
    {
        if (Bencode.TryRead(garbage, out var value, out var error))
            return Bencode.Encode(value).AsSpan().SequenceEqual(garbage);
        return error.Length > 0;
    }

    [Fact]
    public void Flipped_bytes_in_valid_values_never_throw()
    {
        var cases = from value in Values
                    from position in Gen.Choose(0, 10000)
                    from replacement in ArbMap.Default.GeneratorFor<byte>()
                    select (encoded: Bencode.Encode(value), position, replacement);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            c.encoded[c.position % c.encoded.Length] = c.replacement;
            return Bencode.TryRead(c.encoded, out _, out var error, maxLength: int.MaxValue) || error.Length > 0;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Theory]
    [InlineData("i-0e", "malformed integer")]
    [InlineData("i03e", "malformed integer")]
    [InlineData("ie", "malformed integer")]
    [InlineData("i9223372036854775808e", "out of range")]
    [InlineData("03:abc", "leading zero")]
    [InlineData("5:abc", "runs past the end")]
    [InlineData("d1:b0:1:a0:e", "out of order")]
    [InlineData("d1:a0:1:a0:e", "out of order or repeated")]
    [InlineData("di1e0:e", "not a byte string")]
    [InlineData("i1ei2e", "trailing bytes")]
    [InlineData("l", "truncated")]
    [InlineData("x", "unexpected byte")]
    public void Non_canonical_or_broken_encodings_name_the_problem(string input, string reason)
    {
        Assert.False(Bencode.TryRead(Encoding.Latin1.GetBytes(input), out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Oversized_packets_and_deep_nesting_are_refused()
    {
        var big = Bencode.Encode(new byte[Bencode.MaxPacketLength]);
        Assert.False(Bencode.TryRead(big, out _, out var sizeError));
        Assert.Contains("limit", sizeError);

        var deep = Encoding.ASCII.GetBytes(new string('l', 100) + new string('e', 100));
        Assert.False(Bencode.TryRead(deep, out _, out var depthError));
        Assert.Contains("nesting", depthError);
    }

    [Fact]
    public void Dictionaries_are_written_with_sorted_keys()
    {
        var dictionary = new BencodeDictionary { { "z", 1L }, { "a", "x" }, { "m", new List<object> { 2L } } };
        Assert.Equal("d1:a1:x1:mli2ee1:zi1ee", Encoding.ASCII.GetString(Bencode.Encode(dictionary)));
    }
}
