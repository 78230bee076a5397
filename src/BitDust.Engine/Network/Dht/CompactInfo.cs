using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace BitDust.Engine.Network.Dht;

/// <summary>
/// BEP 5 compact encodings: peer info is a 4-byte IPv4 address and a big-endian port (6 bytes), node info is
/// the 20-byte id followed by the peer info (26 bytes). IPv6 contacts are left out of the IPv4 fields.
/// </summary>
public static class CompactInfo
{
    public const int PeerLength = 6;
    public const int NodeLength = NodeId.Length + PeerLength;

    public static byte[] EncodeNodes(IEnumerable<DhtContact> contacts)
    {
        var ipv4 = contacts.Where(c => c.EndPoint.AddressFamily == AddressFamily.InterNetwork).ToList();
        var bytes = new byte[ipv4.Count * NodeLength];
        for (var i = 0; i < ipv4.Count; i++)
        {
            var slot = bytes.AsSpan(i * NodeLength, NodeLength);
            ipv4[i].Id.Bytes.Span.CopyTo(slot);
            WritePeer(ipv4[i].EndPoint, slot[NodeId.Length..]);
        }
        return bytes;
    }

    /// <summary>Reads a "nodes" field; a length that is not a multiple of 26 is refused, port 0 entries are skipped.</summary>
    public static bool TryDecodeNodes(ReadOnlySpan<byte> bytes, out List<DhtContact> contacts)
    {
        contacts = [];
        if (bytes.Length % NodeLength != 0)
            return false;
        for (var offset = 0; offset < bytes.Length; offset += NodeLength)
        {
            var slot = bytes.Slice(offset, NodeLength);
            var endPoint = ReadPeer(slot[NodeId.Length..]);
            if (endPoint.Port != 0)
                contacts.Add(new DhtContact(NodeId.FromBytes(slot[..NodeId.Length]), endPoint));
        }
        return true;
    }

    public static byte[] EncodePeer(IPEndPoint endPoint)
    {
        var bytes = new byte[PeerLength];
        WritePeer(endPoint, bytes);
        return bytes;
    }

    public static bool TryDecodePeer(ReadOnlySpan<byte> bytes, out IPEndPoint? endPoint)
    {
        endPoint = bytes.Length == PeerLength ? ReadPeer(bytes) : null;
        return endPoint is not null;
    }

    private static void WritePeer(IPEndPoint endPoint, Span<byte> destination)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        if (!address.TryWriteBytes(destination[..4], out var written) || written != 4)
            throw new ArgumentException($"{endPoint} is not an IPv4 endpoint.", nameof(endPoint));
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)endPoint.Port);
    }

    private static IPEndPoint ReadPeer(ReadOnlySpan<byte> bytes) =>
        new(new IPAddress(bytes[..4]), BinaryPrimitives.ReadUInt16BigEndian(bytes[4..]));
}
