using System.Net;
using System.Net.Sockets;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Identity;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// The host of this node's <c>tcp://HOST:PORT</c> contact: <c>services/tcp-connections/host</c> when it is set. Unset (as
/// BitDust's guide leaves it: BitDust finds its own address), it is the address this machine reaches its network from — the
/// source address of the route to its first DHT known node, else to its first identity server — and the key's default,
/// 127.0.0.1, when it is told of neither. Without this a node on another machine than its peers would name 127.0.0.1.
/// </summary>
public static class ContactHost
{
    private const string Key = ConfigKeys.TcpConnectionsHost;

    public static async Task<string> ResolveAsync(NodeConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.IsSet(Key))
            return config.Get(Key);
        foreach (var (host, port) in Peers(config))
        {
            if (await LocalAddressTowardsAsync(host, port, cancellationToken).ConfigureAwait(false) is { } address)
                return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        }
        return config.Get(Key);
    }

    private static IEnumerable<(string Host, int Port)> Peers(NodeConfig config)
    {
        foreach (var node in config.GetList(ConfigKeys.EntangledDhtKnownNodes))
        {
            var colon = node.LastIndexOf(':');
            yield return (node[..colon], int.Parse(node[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (var server in config.GetList(ConfigKeys.IdentityPropagateKnownServers).Select(IdentityServerAddress.Parse))
            yield return (server.Host.Trim('[', ']'), server.TcpPort);
    }

    /// <summary>The local address the kernel picks to reach <paramref name="host"/>; null when it cannot be reached or resolved.</summary>
    private static async Task<IPAddress?> LocalAddressTowardsAsync(string host, int port, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return null;
        }
        foreach (var address in addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1))
        {
            // Connecting a UDP socket sends nothing: it only chooses the route, and with it the source address.
            using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Connect(new IPEndPoint(address, port));
                return ((IPEndPoint)socket.LocalEndPoint!).Address;
            }
            catch (SocketException)
            {
                // No route that way; try the next address.
            }
        }
        return null;
    }
}
