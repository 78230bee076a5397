using System.Text;

namespace BitDust.Engine.Network.Dht;

/// <summary>The well-known info-hashes BitDust announces under.</summary>
public static class DhtInfoHash
{
    /// <summary>Where the suppliers of network <paramref name="networkName"/> announce themselves.</summary>
    public static NodeId Suppliers(string networkName) => NodeId.Hash(Encoding.UTF8.GetBytes("bitdust:suppliers:" + networkName));
}
