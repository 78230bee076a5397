using System.Text;

namespace BitDust.Engine.Network.Dht;

/// <summary>The well-known info-hashes BitDust announces under.</summary>
public static class DhtInfoHash
{
    /// <summary>The network name used until a private network names itself.</summary>
    public const string DefaultNetwork = "bitdust";

    /// <summary>Where the identity servers of network <paramref name="networkName"/> announce their web port.</summary>
    public static NodeId IdentityServers(string networkName) => NodeId.Hash(Encoding.UTF8.GetBytes("bitdust:identity-servers:" + networkName));

    /// <summary>Where the suppliers of network <paramref name="networkName"/> announce themselves.</summary>
    public static NodeId Suppliers(string networkName) => NodeId.Hash(Encoding.UTF8.GetBytes("bitdust:suppliers:" + networkName));

    /// <summary>Where the routers (proxy-server) of network <paramref name="networkName"/> announce their port.</summary>
    public static NodeId Routers(string networkName) => NodeId.Hash(Encoding.UTF8.GetBytes("bitdust:routers:" + networkName));
}
