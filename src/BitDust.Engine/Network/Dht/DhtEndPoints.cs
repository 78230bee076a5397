using System.Net;
using System.Net.Sockets;

namespace BitDust.Engine.Network.Dht;

/// <summary>Reads "host:port" known-node entries and resolves them to the IPv4 endpoints the DHT speaks to.</summary>
public static class DhtEndPoints
{
    public static EndPoint Parse(string hostAndPort)
    {
        if (IPEndPoint.TryParse(hostAndPort, out var ip) && ip.Port != 0)
            return ip;
        var colon = hostAndPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostAndPort.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
            throw new FormatException($"The known node \"{hostAndPort}\" is not host:port (for example genesis.example.org:6881).");
        return new DnsEndPoint(hostAndPort[..colon], port);
    }

    /// <summary>The endpoint as an IPv4 address, or null when the name has no IPv4 address.</summary>
    public static async Task<IPEndPoint?> ResolveAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        switch (endPoint)
        {
            case IPEndPoint ip:
                return ip;
            case DnsEndPoint dns:
                var addresses = await Dns.GetHostAddressesAsync(dns.Host, AddressFamily.InterNetwork, cancellationToken)
                    .ConfigureAwait(false);
                return addresses.Length == 0 ? null : new IPEndPoint(addresses[0], dns.Port);
            default:
                throw new ArgumentException($"A {endPoint.GetType().Name} is not a UDP endpoint.", nameof(endPoint));
        }
    }
}
