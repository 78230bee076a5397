namespace BitDust.Engine.Identity;

/// <summary>Text from the network made fit for error messages and logs: printable ASCII, bounded length.</summary>
internal static class SafeText
{
    public static string Printable(string text, int maxLength = 64)
    {
        var shown = text.Length > maxLength ? text[..maxLength] + "..." : text;
        return string.Concat(shown.Select(c => c is >= ' ' and < '\u007f' ? c : '?'));
    }
}
