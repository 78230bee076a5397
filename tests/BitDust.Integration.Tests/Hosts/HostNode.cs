using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BitDust.Integration.Tests.Hosts;

/// <summary>
/// The bitdust program on one <see cref="Host"/>: every command runs in the host's network namespace (and so does the daemon
/// <c>bitdust daemon</c> starts), and the test's API calls reach the node on that namespace's loopback.
/// </summary>
public sealed class HostNode(Host host, string home) : BitDustCli(home)
{
    public Host Host { get; } = host;

    protected override ProcessStartInfo StartInfo(string program, IEnumerable<string> args) => Host.StartInfo([program, .. args]);

    protected override HttpMessageHandler ApiHandler() => new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = Host.OpenSocket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
