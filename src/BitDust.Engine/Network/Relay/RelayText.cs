using System.Diagnostics.CodeAnalysis;
using System.Text;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Network.Relay;

/// <summary>The short reasons and contacts relay messages carry: strict UTF-8 without control characters, cut to a bound.</summary>
internal static class RelayText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// <paramref name="text"/> as UTF-8 without control characters, cut at a character boundary to at most
    /// <paramref name="max"/> bytes.
    /// </summary>
    public static byte[] Encode(string text, int max)
    {
        var bytes = Encoding.UTF8.GetBytes(new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]));
        if (bytes.Length <= max)
            return bytes;
        var end = max;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
            end--;
        return bytes[..end];
    }

    public static bool TryDecode(ReadOnlySpan<byte> bytes, string what, [NotNullWhen(true)] out string? text,
        [NotNullWhen(false)] out string? error)
    {
        text = null;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Fail($"{what} is not UTF-8", out error);
        }
        if (text.Any(char.IsControl))
        {
            text = null;
            return Fail($"{what} holds control characters", out error);
        }
        error = null;
        return true;
    }
}
