using System.Net;
using System.Net.Sockets;

namespace BitDust.Mount.Localnet;

/// <summary>
/// Free loopback ports for daemons that will listen on them. Each socket is held until <see cref="Dispose"/>, so the ports
/// handed out are distinct (TCP and UDP alike) and nothing else takes them while the rest of the localnet is planned. They are
/// taken below the kernel's ephemeral range, where bind to port 0 and outgoing connections get theirs: a planned port is bound
/// by its daemon a few seconds after it is let go, and the kernel does not hand it to anyone else meanwhile.
/// </summary>
internal sealed class FreePorts : IDisposable
{
    /// <summary>The lowest port planned; below it are the ports well-known services tend to use.</summary>
    private const int PlannedLow = 10000;

    private static readonly int EphemeralLow = ReadEphemeralLow();

    private readonly List<Socket> _held = [];
    private readonly HashSet<int> _given = [];

    public int Tcp() => Take(SocketType.Stream, ProtocolType.Tcp);

    public int Udp() => Take(SocketType.Dgram, ProtocolType.Udp);

    /// <summary>A port free now for <paramref name="protocol"/>, let go at once (for a daemon started right after).</summary>
    public static int One(ProtocolType protocol)
    {
        using var ports = new FreePorts();
        return protocol == ProtocolType.Udp ? ports.Udp() : ports.Tcp();
    }

    private int Take(SocketType type, ProtocolType protocol)
    {
        for (var attempt = 0; attempt < 100 && EphemeralLow - PlannedLow >= 1000; attempt++)
        {
            var port = Random.Shared.Next(PlannedLow, EphemeralLow);
            if (!_given.Contains(port) && TryHold(type, protocol, port))
                return port;
        }
        // The range below the kernel's is full or too small: let the kernel choose.
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

    private bool TryHold(SocketType type, ProtocolType protocol, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
        }
        catch (SocketException)
        {
            socket.Dispose();
            return false;
        }
        _held.Add(socket);
        _given.Add(port);
        return true;
    }

    /// <summary>The first port of <c>net.ipv4.ip_local_port_range</c> (Linux's default 32768 when it cannot be read).</summary>
    private static int ReadEphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'],
                StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
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
