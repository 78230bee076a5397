using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests;

/// <summary>
/// The checks every set of wire parsers gets (the storage protocol's, the relay's): a clean answer for whatever bytes, and
/// valid bodies taken exactly, neither a byte short nor a byte long.
/// </summary>
internal static class WireParserChecks
{
    /// <summary>True when <paramref name="parse"/> accepted <paramref name="bytes"/>, or refused them with a reason; it never throws.</summary>
    public static bool Answers(Func<byte[], (bool Parsed, string? Error)> parse, byte[] bytes)
    {
        var (parsed, error) = parse(bytes);
        return parsed ? error is null : !string.IsNullOrEmpty(error);
    }

    /// <summary><paramref name="body"/> parses; every strict prefix of it, and it with one byte more, are refused with a reason.</summary>
    public static void AssertTakenExactly(string name, Func<byte[], (bool Parsed, string? Error)> parse, byte[] body)
    {
        var (parsed, error) = parse(body);
        Assert.True(parsed, $"{name}: {error}");
        for (var length = 0; length < body.Length; length++)
        {
            var (prefixParsed, prefixError) = parse(body[..length]);
            Assert.False(prefixParsed, $"{name} accepted {length} of {body.Length} bytes");
            Assert.False(string.IsNullOrEmpty(prefixError));
        }
        Assert.False(parse([.. body, 0]).Parsed, $"{name} accepted a trailing byte");
    }

    /// <summary>Valid bodies cut short or with a byte flipped (FsCheck, 2000 cases): every parser still answers cleanly.</summary>
    public static void DamagedBodiesGetCleanAnswers(byte[][] bodies,
        IEnumerable<Func<byte[], (bool Parsed, string? Error)>> parsers)
    {
        var all = parsers.ToList();
        var damaged = from body in Gen.Elements(bodies)
                      from cut in Gen.Choose(0, body.Length)
                      from flip in Gen.Choose(0, body.Length - 1)
                      from mask in Gen.Choose(1, 255)
                      from mutate in ArbMap.Default.GeneratorFor<bool>()
                      select mutate ? Flip(body, flip, (byte)mask) : body[..cut];
        Prop.ForAll(damaged.ToArbitrary(), bytes => all.All(p => Answers(p, bytes))).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    private static byte[] Flip(byte[] body, int index, byte mask)
    {
        var copy = body.ToArray();
        copy[index] ^= mask;
        return copy;
    }
}
