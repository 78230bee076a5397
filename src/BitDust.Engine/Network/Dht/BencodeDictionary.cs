using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace BitDust.Engine.Network.Dht;

/// <summary>
/// A bencoded dictionary. Keys are byte strings; they are held as Latin-1 strings so that one char is one byte
/// and ordinal order is the byte order bencode requires.
/// </summary>
public sealed class BencodeDictionary : IEnumerable<KeyValuePair<string, object>>
{
    private readonly SortedDictionary<string, object> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public object this[string key]
    {
        get => _entries[key];
        set => _entries[key] = value;
    }

    public void Add(string key, object value) => _entries.Add(key, value);

    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    public bool TryGetBytes(string key, [NotNullWhen(true)] out byte[]? value)
    {
        value = _entries.TryGetValue(key, out var raw) ? raw as byte[] : null;
        return value is not null;
    }

    public bool TryGetInteger(string key, out long value)
    {
        if (_entries.TryGetValue(key, out var raw) && raw is long number)
        {
            value = number;
            return true;
        }
        value = 0;
        return false;
    }

    public bool TryGetDictionary(string key, [NotNullWhen(true)] out BencodeDictionary? value)
    {
        value = _entries.TryGetValue(key, out var raw) ? raw as BencodeDictionary : null;
        return value is not null;
    }

    public bool TryGetList(string key, [NotNullWhen(true)] out IReadOnlyList<object>? value)
    {
        value = _entries.TryGetValue(key, out var raw) ? raw as IReadOnlyList<object> : null;
        return value is not null;
    }

    public bool TryGetValue(string key, [NotNullWhen(true)] out object? value) => _entries.TryGetValue(key, out value);

    /// <summary>A byte-string value read as ASCII text (method names, error messages).</summary>
    public bool TryGetText(string key, [NotNullWhen(true)] out string? value)
    {
        value = TryGetBytes(key, out var bytes) ? Encoding.Latin1.GetString(bytes) : null;
        return value is not null;
    }

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
