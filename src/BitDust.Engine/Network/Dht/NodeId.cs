using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Security.Cryptography;

namespace BitDust.Engine.Network.Dht;

/// <summary>A 160-bit Kademlia identifier: a node id, an info-hash or a BEP 44 item target.</summary>
public sealed class NodeId : IEquatable<NodeId>
{
    public const int Length = 20;
    public const int Bits = Length * 8;

    private readonly byte[] _bytes;

    private NodeId(byte[] bytes) => _bytes = bytes;

    public ReadOnlyMemory<byte> Bytes => _bytes;

    public static NodeId Random() => new(RandomNumberGenerator.GetBytes(Length));

    /// <summary>SHA-1 of <paramref name="data"/>, as BEP 44 and info-hashes define their keys.</summary>
    public static NodeId Hash(ReadOnlySpan<byte> data) => new(SHA1.HashData(data));

    public static NodeId FromBytes(ReadOnlySpan<byte> bytes) =>
        TryRead(bytes, out var id) ? id : throw new ArgumentException($"A node id is {Length} bytes, not {bytes.Length}.", nameof(bytes));

    public static bool TryRead(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out NodeId? id)
    {
        id = bytes.Length == Length ? new NodeId(bytes.ToArray()) : null;
        return id is not null;
    }

    public static NodeId Parse(string hex) => FromBytes(Convert.FromHexString(hex));

    /// <summary>How many leading bits this id shares with <paramref name="other"/> (160 when equal).</summary>
    public int CommonPrefixLength(NodeId other)
    {
        for (var i = 0; i < Length; i++)
        {
            var xor = _bytes[i] ^ other._bytes[i];
            if (xor != 0)
                return (i * 8) + BitOperations.LeadingZeroCount((uint)xor) - 24;
        }
        return Bits;
    }

    /// <summary>Orders <paramref name="a"/> and <paramref name="b"/> by XOR distance to <paramref name="target"/>.</summary>
    public static int CompareDistance(NodeId target, NodeId a, NodeId b)
    {
        for (var i = 0; i < Length; i++)
        {
            var da = a._bytes[i] ^ target._bytes[i];
            var db = b._bytes[i] ^ target._bytes[i];
            if (da != db)
                return da < db ? -1 : 1;
        }
        return 0;
    }

    /// <summary>
    /// A random id that shares exactly <paramref name="prefixLength"/> leading bits with this one
    /// (all bits when <paramref name="prefixLength"/> is <see cref="Bits"/>): a target that lands in one bucket.
    /// </summary>
    public NodeId RandomWithPrefix(int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, Bits);
        var bytes = RandomNumberGenerator.GetBytes(Length);
        for (var bit = 0; bit < Math.Min(prefixLength + 1, Bits); bit++)
        {
            var mask = (byte)(0x80 >> (bit % 8));
            var own = _bytes[bit / 8] & mask;
            var wanted = bit < prefixLength ? own : own ^ mask;
            bytes[bit / 8] = (byte)((bytes[bit / 8] & ~mask) | wanted);
        }
        return new NodeId(bytes);
    }

    public bool Equals(NodeId? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is NodeId other && Equals(other);

    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(_bytes);

    public override string ToString() => Convert.ToHexStringLower(_bytes);

    public static bool operator ==(NodeId? left, NodeId? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(NodeId? left, NodeId? right) => !(left == right);
}
