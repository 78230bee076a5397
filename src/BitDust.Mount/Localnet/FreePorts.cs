using System.Net;
using System.Net.Sockets;

namespace BitDust.Mount.Localnet;

/// <summary>
/// Free loopback ports, found by binding port 0. Each socket is held until <see cref="Dispose"/>, so the ports handed out are
/// distinct (TCP and UDP alike) and nothing else takes them while the rest of the localnet is planned.
/// </summary>
internal sealed class FreePorts : IDisposable
{
    private readonly List<Socket> _held = [];
    private readonly HashSet<int> _given = [];

    public int Tcp() => Take(SocketType.Stream, ProtocolType.Tcp);

    public int Udp() => Take(SocketType.Dgram, ProtocolType.Udp);

    private int Take(SocketType type, ProtocolType protocol)
    {
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _held.Add(socket);
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            if (_given.Add(port))
                return port;
        }
    }

    /// <summary>Lets the ports go, just before the daemons that were planned on them bind them.</summary>
    public void Dispose()
    {
        foreach (var socket in _held)
            socket.Dispose();
        _held.Clear();
    }
}
