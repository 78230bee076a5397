using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BitDust.Integration.Tests.Storage;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Hosts;

/// <summary>The hosts themselves (scripts/hosts through <see cref="HostNetwork"/>): real NAT, real link loss, nothing left behind.</summary>
public sealed class HostNetworkTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_nat_host_reaches_every_wan_host_through_its_gateway_and_no_wan_host_reaches_it()
    {
        await using var network = await HostNetwork.StartAsync("bdnat", ["host-a", "host-b"], ["home-1"]);
        var (wan, other, home) = (network["host-a"], network["host-b"], network["home-1"]);
        output.WriteLine(string.Join("; ", network.Hosts));
        Assert.NotEqual(home.Address, home.PublicAddress);

        // TCP out: accepted, and seen coming from the gateway's address (masqueraded).
        using (var listener = Listen(wan, 7000))
        using (var client = home.OpenSocket(SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(new IPEndPoint(IPAddress.Parse(wan.Address), 7000)).WaitAsync(Step);
            using var accepted = await listener.AcceptAsync().WaitAsync(Step);
            Assert.Equal(home.PublicAddress, ((IPEndPoint)accepted.RemoteEndPoint!).Address.ToString());
        }

        // TCP in: refused at the gateway's address, and the private address is no route at all.
        using (Listen(home, 7000))
        {
            Assert.Equal(SocketError.ConnectionRefused, await ConnectErrorAsync(wan, home.PublicAddress, 7000));
            Assert.Equal(SocketError.NetworkUnreachable, await ConnectErrorAsync(wan, home.Address, 7000));
        }

        // UDP (the DHT's): answers come back through the gateway; a datagram from anyone else to that mapping never arrives.
        using var inside = Bind(home, SocketType.Dgram, ProtocolType.Udp, 7001);
        using var outside = Bind(wan, SocketType.Dgram, ProtocolType.Udp, 7001);
        using var stranger = Bind(other, SocketType.Dgram, ProtocolType.Udp, 7001);
        await inside.SendToAsync(Encoding.ASCII.GetBytes("hello"), new IPEndPoint(IPAddress.Parse(wan.Address), 7001)).WaitAsync(Step);
        var (text, mapping) = await ReceiveAsync(outside);
        Assert.Equal(("hello", home.PublicAddress), (text, mapping.Address.ToString()));
        await stranger.SendToAsync(Encoding.ASCII.GetBytes("unsolicited"), mapping).WaitAsync(Step);
        await outside.SendToAsync(Encoding.ASCII.GetBytes("answer"), mapping).WaitAsync(Step);
        // Sent after the stranger's on the same machine: had the stranger's passed the gateway, it would be read first.
        Assert.Equal("answer", (await ReceiveAsync(inside)).Text);
    }

    [Fact]
    public async Task A_host_cut_off_is_unreachable_until_its_link_is_up_again()
    {
        await using var network = await HostNetwork.StartAsync("bdlink", ["host-a", "host-b"], ["home-1"]);
        var (a, b, home) = (network["host-a"], network["host-b"], network["home-1"]);
        using var listener = Listen(a, 7000);
        foreach (var cut in new[] { b, home })
        {
            await cut.LinkAsync(up: false);
            // A pulled cable: nothing refuses; the attempt never completes (or the neighbour lookup gives up).
            Assert.Contains(await ConnectErrorAsync(cut, a.Address, 7000, TimeSpan.FromSeconds(1)),
                new[] { SocketError.TimedOut, SocketError.HostUnreachable });
            await cut.LinkAsync(up: true);
            using var client = cut.OpenSocket(SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(new IPEndPoint(IPAddress.Parse(a.Address), 7000)).WaitAsync(Step);
            using var accepted = await listener.AcceptAsync().WaitAsync(Step);
            Assert.Equal(cut.PublicAddress, ((IPEndPoint)accepted.RemoteEndPoint!).Address.ToString());
        }
    }

    [Fact]
    public async Task A_leftover_of_a_crashed_run_is_removed_at_start_and_disposal_leaves_no_namespace_daemon_or_file()
    {
        const string Prefix = "bdleft";
        // What a crashed run leaves: its namespaces, a process still running in one, files in its folder.
        var script = Path.Combine(HostNetwork.RepositoryRoot, "scripts", "hosts");
        await ShellOkAsync($"'{script}' up --prefix {Prefix} --hosts host-a --nat home-1");
        var stale = int.Parse((await ShellOkAsync($"setsid -f '{script}' exec --prefix {Prefix} host-a -- sleep 600 >/dev/null 2>&1; " +
            $"sleep 0.2; ip netns pids {Prefix}-host-a")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var folder = Path.Combine(Path.GetTempPath(), $"bitdust-hosts-{Prefix}");
        Directory.CreateDirectory(Path.Combine(folder, "homes", "host-a"));
        await File.WriteAllTextAsync(Path.Combine(folder, "homes", "host-a", "stale"), "from a crashed run");

        int daemon;
        await using (var network = await HostNetwork.StartAsync(Prefix, ["host-a"], ["home-1"]))
        {
            await LocalnetFixture.WaitGoneAsync(stale, TimeSpan.FromSeconds(10));
            Assert.False(File.Exists(Path.Combine(folder, "homes", "host-a", "stale")), "a file of the crashed run is still there");

            // A daemon on the host runs in its namespace, on BitDust's default ports, and answers the test there.
            var host = network["host-a"];
            await host.Node.RunOkAsync("daemon");
            daemon = host.Node.DaemonPid() ?? throw new InvalidOperationException("bitdust daemon wrote no pid");
            Assert.Equal((await host.ShellOkAsync("readlink /proc/self/ns/net")).Trim(), new FileInfo($"/proc/{daemon}/ns/net").LinkTarget);
            Assert.Equal(8180, host.Node.ApiPort());
            Assert.Equal("OK", (await host.Node.ApiAsync(HttpMethod.Get, "/process/health/v1"))["status"]!.GetValue<string>());
        }
        await LocalnetFixture.WaitGoneAsync(daemon, TimeSpan.FromSeconds(10));
        var namespaces = await ShellOkAsync("ip netns list");
        Assert.DoesNotContain($"{Prefix}-", namespaces, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder), $"{folder} is still there after disposal");
    }

    private static Socket Bind(Host host, SocketType type, ProtocolType protocol, int port)
    {
        var socket = host.OpenSocket(type, protocol);
        socket.Bind(new IPEndPoint(IPAddress.Any, port));
        return socket;
    }

    private static Socket Listen(Host host, int port)
    {
        var socket = Bind(host, SocketType.Stream, ProtocolType.Tcp, port);
        socket.Listen();
        return socket;
    }

    /// <summary>How a TCP connection from <paramref name="from"/> fails (TimedOut when it does not complete in time).</summary>
    private static async Task<SocketError> ConnectErrorAsync(Host from, string address, int port, TimeSpan? patience = null)
    {
        using var socket = from.OpenSocket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(patience ?? Step);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(address), port), timeout.Token);
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
        catch (OperationCanceledException)
        {
            return SocketError.TimedOut;
        }
        Assert.Fail($"{from.Name} connected to {address}:{port}");
        return SocketError.Success;
    }

    private static async Task<(string Text, IPEndPoint From)> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[1500];
        var received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0)).WaitAsync(Step);
        return (Encoding.ASCII.GetString(buffer, 0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint);
    }

    private static async Task<string> ShellOkAsync(string command)
    {
        var (exit, printed) = await HostNetwork.RunAsync(new ProcessStartInfo("bash", ["-c", command]), Step);
        Assert.True(exit == 0, $"`{command}` exited {exit}: {printed}");
        return printed;
    }
}
