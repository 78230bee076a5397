using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Storage.Customer;

/// <summary>
/// Trees of remote paths whose names are where UTF-16, UTF-8 and code-point counts part ways: emoji (surrogate pairs), the
/// same name in NFC and NFD, combining marks, CJK, a letter above the surrogates (U+FB01, which UTF-8 and UTF-16 order
/// differently), names of exactly 255 bytes of UTF-8, and ASCII siblings that share a prefix ("a", "a-", "a0", "a😀").
/// </summary>
internal static class UnicodeTrees
{
    public static readonly string[] Names =
    [
        "a", "a-", "a0", "a😀", "a😀b", "😀", "\u00e9", "e\u0301", "caf\u00e9", "cafe\u0301", "日本", "日本語", "\ufb01le",
        OfBytes("😀", 255), OfBytes("\u00e9", 255), OfBytes("日", 255), OfBytes("a", 255),
    ];

    /// <summary>File paths one to three names deep, none of them also a folder of another.</summary>
    public static Gen<string[]> Files { get; } = Gen.ListOf(Gen.Choose(1, 3).SelectMany(depth => Gen.ArrayOf(Gen.Elements(Names), depth))
        .Select(parts => string.Join('/', parts)))
        .Select(paths => paths.Distinct(StringComparer.Ordinal).ToArray())
        .Select(paths => paths.Where(p => !paths.Any(other => other.StartsWith(p + "/", StringComparison.Ordinal))).ToArray())
        .Where(paths => paths.Length > 0);

    /// <summary>Every folder the files are in (their proper prefixes), sorted.</summary>
    public static string[] FoldersOf(IEnumerable<string> files) =>
        [.. files.SelectMany(f => f.Split('/').SkipLast(1).Select((_, i) => string.Join('/', f.Split('/').Take(i + 1))))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or under it.</summary>
    public static bool IsUnder(string path, string folder) =>
        path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal);

    /// <summary><paramref name="unit"/> repeated, then 'a's, to exactly <paramref name="bytes"/> bytes of UTF-8.</summary>
    private static string OfBytes(string unit, int bytes)
    {
        var text = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(text.ToString() + unit) <= bytes)
            text.Append(unit);
        return text.Append('a', bytes - Encoding.UTF8.GetByteCount(text.ToString())).ToString();
    }
}
