using System.Buffers;

namespace BitDust.Engine.Network.Dht;

/// <summary>The byte-exact rules of BEP 44 (arbitrary data in the DHT): targets, limits and the signed string.</summary>
public static class Bep44
{
    /// <summary>The largest bencoded "v" a node stores.</summary>
    public const int MaxValueLength = 1000;

    public const int MaxSaltLength = 64;

    /// <summary>An immutable item's target: the SHA-1 of its bencoded value.</summary>
    public static NodeId ImmutableTarget(ReadOnlySpan<byte> encodedValue) => NodeId.Hash(encodedValue);

    /// <summary>A mutable item's target: the SHA-1 of the public key followed by the salt.</summary>
    public static NodeId MutableTarget(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> salt)
    {
        var buffer = new byte[publicKey.Length + salt.Length];
        publicKey.CopyTo(buffer);
        salt.CopyTo(buffer.AsSpan(publicKey.Length));
        return NodeId.Hash(buffer);
    }

    /// <summary>
    /// What the owner signs: the bencoded "salt" (only when there is one), "seq" and "v" entries of a dictionary,
    /// without the dictionary's own "d" and "e" — e.g. <c>4:salt6:foobar3:seqi1e1:v12:Hello World!</c>.
    /// </summary>
    public static byte[] SignatureBuffer(ReadOnlySpan<byte> salt, long sequence, ReadOnlySpan<byte> encodedValue)
    {
        var buffer = new ArrayBufferWriter<byte>(encodedValue.Length + salt.Length + 40);
        if (!salt.IsEmpty)
        {
            Bencode.WriteBytes(buffer, "salt"u8);
            Bencode.WriteBytes(buffer, salt);
        }
        Bencode.WriteBytes(buffer, "seq"u8);
        Bencode.WriteInteger(buffer, sequence);
        Bencode.WriteBytes(buffer, "v"u8);
        buffer.Write(encodedValue);
        return buffer.WrittenSpan.ToArray();
    }
}
