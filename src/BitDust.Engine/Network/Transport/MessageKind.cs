using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace BitDust.Engine.Network.Transport;

/// <summary>
/// The kind of a request or stream ("fragment.put", "audit"), sent in front of its body as one length byte and
/// 1 to 64 ASCII letters, digits, '.', '-' or '_', so handlers are found by a short, loggable name.
/// </summary>
internal static class MessageKind
{
    public const int MaxLength = 64;
    public const int MinEncodedLength = 2;

    public static byte[] Encode(string kind)
    {
        if (!IsValid(kind))
        {
            throw new ArgumentException(
                $"Message kind \"{kind}\" is not 1 to {MaxLength} ASCII letters, digits, '.', '-' or '_'.", nameof(kind));
        }
        var encoded = new byte[1 + kind.Length];
        encoded[0] = (byte)kind.Length;
        Encoding.ASCII.GetBytes(kind, encoded.AsSpan(1));
        return encoded;
    }

    public static bool IsValid(string kind) => kind.Length is > 0 and <= MaxLength && kind.All(IsKindChar);

    /// <summary>Splits a request or stream-open payload into its kind and the bytes after it.</summary>
    public static bool TryDecode(
        ReadOnlyMemory<byte> payload, [NotNullWhen(true)] out string? kind, out ReadOnlyMemory<byte> body,
        [NotNullWhen(false)] out string? error)
    {
        kind = null;
        body = default;
        var span = payload.Span;
        var length = span.IsEmpty ? 0 : span[0];
        if (length is 0 or > MaxLength || span.Length < 1 + length)
        {
            error = $"a message kind of {length} bytes in a payload of {span.Length}";
            return false;
        }
        foreach (var b in span.Slice(1, length))
        {
            if (!IsKindChar((char)b))
            {
                error = $"byte {b:x2} in a message kind";
                return false;
            }
        }
        kind = Encoding.ASCII.GetString(span.Slice(1, length));
        body = payload[(1 + length)..];
        error = null;
        return true;
    }

    private static bool IsKindChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_';
}
