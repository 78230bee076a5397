using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace BitDust.Engine.Network.Transport;

/// <summary>The identity name or URL a node gives in its hello: 1 to 256 bytes of UTF-8 without control characters.</summary>
internal static class HelloIdentity
{
    public const int MaxLength = 256;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encode(string identity)
    {
        var bytes = Encoding.UTF8.GetBytes(identity);
        if (!TryDecode(bytes, out _, out var error))
            throw new ArgumentException($"Identity \"{identity}\" cannot be used: {error}.", nameof(identity));
        return bytes;
    }

    public static bool TryDecode(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out string? identity, [NotNullWhen(false)] out string? error)
    {
        identity = null;
        if (utf8.IsEmpty || utf8.Length > MaxLength)
        {
            error = $"an identity is 1 to {MaxLength} bytes, not {utf8.Length}";
            return false;
        }
        try
        {
            identity = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            error = "the identity is not UTF-8";
            return false;
        }
        if (identity.Any(char.IsControl))
        {
            identity = null;
            error = "the identity contains control characters";
            return false;
        }
        error = null;
        return true;
    }
}
