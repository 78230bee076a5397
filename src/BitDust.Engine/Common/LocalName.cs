using System.Text;

namespace BitDust.Engine.Common;

/// <summary>Names on the local disk: Linux holds at most <see cref="MaxBytes"/> bytes of UTF-8 in one (NAME_MAX).</summary>
public static class LocalName
{
    public const int MaxBytes = 255;

    /// <summary>
    /// A path beside <paramref name="path"/> named <paramref name="prefix"/>, its name and <paramref name="suffix"/>: a temporary
    /// that still fits in <see cref="MaxBytes"/> when the name itself does, the name cut short (at a character, never inside one).
    /// </summary>
    public static string Beside(string path, string prefix, string suffix)
    {
        var name = Path.GetFileName(path);
        var room = MaxBytes - Encoding.UTF8.GetByteCount(prefix) - Encoding.UTF8.GetByteCount(suffix);
        var kept = new StringBuilder();
        foreach (var rune in name.EnumerateRunes())
        {
            room -= rune.Utf8SequenceLength;
            if (room < 0)
                break;
            kept.Append(rune.ToString());
        }
        return Path.Combine(Path.GetDirectoryName(path) ?? "", prefix + kept + suffix);
    }
}
