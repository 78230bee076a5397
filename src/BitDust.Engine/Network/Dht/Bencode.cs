using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace BitDust.Engine.Network.Dht;

/// <summary>
/// Bencode (BEP 3). Values are <see cref="long"/>, <see cref="byte"/>[] (byte strings),
/// <see cref="IReadOnlyList{T}"/> of values, and <see cref="BencodeDictionary"/>.
/// The reader is strict: it accepts only the canonical encoding (sorted unique keys, no leading zeros, no "-0"),
/// so re-encoding what it read gives back the same bytes, which BEP 44 hashes and signatures rely on.
/// </summary>
public static class Bencode
{
    /// <summary>The largest UDP payload a DHT node accepts; larger datagrams are dropped unread.</summary>
    public const int MaxPacketLength = 1500;

    public const int DefaultMaxDepth = 16;

    public static byte[] Encode(object value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(IBufferWriter<byte> output, object value)
    {
        switch (value)
        {
            case long number:
                WriteInteger(output, number);
                break;
            case int number:
                WriteInteger(output, number);
                break;
            case byte[] bytes:
                WriteBytes(output, bytes);
                break;
            case ReadOnlyMemory<byte> memory:
                WriteBytes(output, memory.Span);
                break;
            case string text:
                WriteBytes(output, Encoding.UTF8.GetBytes(text));
                break;
            case BencodeDictionary dictionary:
                output.Write("d"u8);
                foreach (var (key, item) in dictionary)
                {
                    WriteBytes(output, Encoding.Latin1.GetBytes(key));
                    Write(output, item);
                }
                output.Write("e"u8);
                break;
            case IEnumerable<object> list:
                output.Write("l"u8);
                foreach (var item in list)
                    Write(output, item);
                output.Write("e"u8);
                break;
            default:
                throw new ArgumentException($"A {value.GetType().Name} cannot be bencoded.", nameof(value));
        }
    }

    public static void WriteInteger(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(22);
        span[0] = (byte)'i';
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        span[1 + written] = (byte)'e';
        output.Advance(written + 2);
    }

    public static void WriteBytes(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(11);
        Utf8Formatter.TryFormat(bytes.Length, span, out var written);
        span[written] = (byte)':';
        output.Advance(written + 1);
        output.Write(bytes);
    }

    /// <summary>Reads exactly one value that fills <paramref name="input"/>; anything else is refused with a reason.</summary>
    public static bool TryRead(
        ReadOnlySpan<byte> input,
        [NotNullWhen(true)] out object? value,
        [NotNullWhen(false)] out string? error,
        int maxLength = MaxPacketLength,
        int maxDepth = DefaultMaxDepth)
    {
        value = null;
        if (input.Length > maxLength)
        {
            error = $"input of {input.Length} bytes is over the {maxLength}-byte limit";
            return false;
        }
        var reader = new BencodeReader(input, maxDepth);
        if (!reader.TryReadValue(0, out value, out error))
            return false;
        if (reader.Position != input.Length)
        {
            error = $"{input.Length - reader.Position} trailing bytes after the value at offset {reader.Position}";
            value = null;
            return false;
        }
        return true;
    }
}
