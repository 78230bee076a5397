using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace BitDust.Engine.Network.Dht;

/// <summary>
/// The strict bencode parser behind <see cref="Bencode.TryRead"/>. Every length is checked against the bytes
/// left before anything is allocated, and nesting is bounded, so hostile input costs at most its own size.
/// </summary>
internal ref struct BencodeReader
{
    private readonly ReadOnlySpan<byte> _input;
    private readonly int _maxDepth;

    public BencodeReader(ReadOnlySpan<byte> input, int maxDepth)
    {
        _input = input;
        _maxDepth = maxDepth;
    }

    public int Position { get; private set; }

    public bool TryReadValue(int depth, [NotNullWhen(true)] out object? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        if (Position >= _input.Length)
        {
            error = $"truncated: a value was expected at offset {Position}";
            return false;
        }
        var lead = _input[Position];
        switch (lead)
        {
            case (byte)'i':
                if (!TryReadInteger(out var number, out error))
                    return false;
                value = number;
                return true;
            case >= (byte)'0' and <= (byte)'9':
                if (!TryReadBytes(out var bytes, out error))
                    return false;
                value = bytes;
                return true;
            case (byte)'l':
                return TryReadList(depth, out value, out error);
            case (byte)'d':
                if (!TryReadDictionary(depth, out var dictionary, out error))
                    return false;
                value = dictionary;
                return true;
            default:
                error = $"unexpected byte 0x{lead:x2} at offset {Position}";
                return false;
        }
    }

    private bool TryReadInteger(out long value, [NotNullWhen(false)] out string? error)
    {
        value = 0;
        var start = Position;
        var end = _input[(start + 1)..].IndexOf((byte)'e');
        if (end < 0)
        {
            error = $"truncated integer at offset {start}";
            return false;
        }
        var digits = _input.Slice(start + 1, end);
        var negative = digits.Length > 0 && digits[0] == '-';
        var magnitude = negative ? digits[1..] : digits;
        if (magnitude.Length == 0 || magnitude.Length > 19 || (magnitude[0] == '0' && (magnitude.Length > 1 || negative)))
        {
            error = $"malformed integer at offset {start}";
            return false;
        }
        foreach (var digit in magnitude)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                error = $"malformed integer at offset {start}";
                return false;
            }
            if (value > (long.MaxValue - (digit - '0')) / 10)
            {
                error = $"integer out of range at offset {start}";
                return false;
            }
            value = (value * 10) + (digit - '0');
        }
        if (negative)
            value = -value;
        Position = start + end + 2;
        error = null;
        return true;
    }

    private bool TryReadBytes([NotNullWhen(true)] out byte[]? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        var start = Position;
        var colon = _input[start..].IndexOf((byte)':');
        // Ten digits cover every length a 1500-byte packet could hold; more is garbage, not a long string.
        if (colon < 0 || colon > 10)
        {
            error = $"malformed string length at offset {start}";
            return false;
        }
        var digits = _input.Slice(start, colon);
        if (digits.Length > 1 && digits[0] == '0')
        {
            error = $"string length with a leading zero at offset {start}";
            return false;
        }
        long length = 0;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                error = $"malformed string length at offset {start}";
                return false;
            }
            length = (length * 10) + (digit - '0');
        }
        var dataStart = start + colon + 1;
        if (length > _input.Length - dataStart)
        {
            error = $"string of {length} bytes at offset {start} runs past the end ({_input.Length - dataStart} left)";
            return false;
        }
        value = _input.Slice(dataStart, (int)length).ToArray();
        Position = dataStart + (int)length;
        error = null;
        return true;
    }

    private bool TryReadList(int depth, [NotNullWhen(true)] out object? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        if (!TryEnter(depth, out error))
            return false;
        var items = new List<object>();
        while (true)
        {
            if (Position >= _input.Length)
            {
                error = "truncated list";
                return false;
            }
            if (_input[Position] == 'e')
            {
                Position++;
                value = items;
                return true;
            }
            if (!TryReadValue(depth + 1, out var item, out error))
                return false;
            items.Add(item);
        }
    }

    private bool TryReadDictionary(int depth, [NotNullWhen(true)] out BencodeDictionary? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        if (!TryEnter(depth, out error))
            return false;
        var dictionary = new BencodeDictionary();
        string? previous = null;
        while (true)
        {
            if (Position >= _input.Length)
            {
                error = "truncated dictionary";
                return false;
            }
            if (_input[Position] == 'e')
            {
                Position++;
                value = dictionary;
                return true;
            }
            var keyOffset = Position;
            if (_input[Position] is < (byte)'0' or > (byte)'9')
            {
                error = $"dictionary key at offset {keyOffset} is not a byte string";
                return false;
            }
            if (!TryReadBytes(out var keyBytes, out error))
                return false;
            var key = Encoding.Latin1.GetString(keyBytes);
            if (previous is not null && string.CompareOrdinal(previous, key) >= 0)
            {
                error = $"dictionary key at offset {keyOffset} is out of order or repeated";
                return false;
            }
            if (!TryReadValue(depth + 1, out var item, out error))
                return false;
            dictionary.Add(key, item);
            previous = key;
        }
    }

    private bool TryEnter(int depth, [NotNullWhen(false)] out string? error)
    {
        if (depth >= _maxDepth)
        {
            error = $"nesting deeper than {_maxDepth} at offset {Position}";
            return false;
        }
        Position++;
        error = null;
        return true;
    }
}
