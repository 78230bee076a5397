using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace BitDust.Integration.Tests.Hosts;

/// <summary>
/// One host of a <see cref="HostNetwork"/>: a network namespace with its own address, port space and loopback. Its
/// <see cref="Node"/> is the bitdust program on it; <see cref="ShellAsync"/> runs what a user would type there.
/// </summary>
public sealed class Host
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private readonly HostNetwork _network;

    internal Host(HostNetwork network, string name, bool behindNat, string address, string publicAddress)
    {
        _network = network;
        Name = name;
        BehindNat = behindNat;
        Address = address;
        PublicAddress = publicAddress;
        Node = new HostNode(this, Directory.CreateDirectory(Path.Combine(network.Folder, "homes", name)).FullName);
    }

    /// <summary>host-a, home-1: as given to <c>scripts/hosts up</c>.</summary>
    public string Name { get; }

    /// <summary>Behind a NAT gateway: it reaches the wan hosts, none of them reaches it.</summary>
    public bool BehindNat { get; }

    /// <summary>The address of its own interface (a private one behind NAT).</summary>
    public string Address { get; }

    /// <summary>The address the wan hosts see its connections come from: its own, or its gateway's.</summary>
    public string PublicAddress { get; }

    /// <summary>The bitdust program on this host, with its home (BITDUST_HOME) in the network's folder.</summary>
    public HostNode Node { get; }

    /// <summary>/run/netns/PREFIX-NAME, as scripts/hosts names it.</summary>
    public string NamespacePath => $"/run/netns/{_network.Prefix}-{Name}";

    /// <summary><paramref name="command"/> started in this host's network namespace (<c>scripts/hosts exec NAME -- ...</c>).</summary>
    public ProcessStartInfo StartInfo(IEnumerable<string> command) => _network.ScriptStartInfo(["exec", Name, "--", .. command]);

    /// <summary><c>bash -c COMMAND</c> on this host, with BITDUST_HOME set to its node's home; exit code and output.</summary>
    public Task<(int ExitCode, string Output)> ShellAsync(string command, TimeSpan? timeout = null)
    {
        var start = StartInfo(["bash", "-c", command]);
        start.Environment["BITDUST_HOME"] = Node.Home;
        return HostNetwork.RunAsync(start, timeout ?? CommandTimeout);
    }

    public async Task<string> ShellOkAsync(string command, TimeSpan? timeout = null)
    {
        var (exit, output) = await ShellAsync(command, timeout);
        Assert.True(exit == 0, $"on {Name}: `{command}` exited {exit}: {output}");
        return output;
    }

    /// <summary>
    /// <c>curl ARGUMENTS</c> on this host as BitDust's guide types it (<c>curl localhost:8180/network/status/v1?dht=1</c>),
    /// with the node's API token, which our API requires; the JSON it answered.
    /// </summary>
    public async Task<JsonNode> CurlAsync(string arguments)
    {
        var output = await ShellOkAsync($"curl -sS --max-time 30 -H \"Authorization: Bearer $(cat \"$BITDUST_HOME/api-token\")\" {arguments}");
        return JsonNode.Parse(output) ?? throw new InvalidOperationException($"curl {arguments} on {Name} answered no JSON: {output}");
    }

    /// <summary>Cuts this host off the wan (its port on the bridge goes down: packets vanish) or connects it again.</summary>
    public Task LinkAsync(bool up) => _network.ScriptOkAsync("link", Name, up ? "up" : "down");

    /// <summary>A socket of the test process inside this host's network namespace.</summary>
    public Socket OpenSocket(SocketType type, ProtocolType protocol) => NetworkNamespace.OpenSocket(NamespacePath, type, protocol);

    public override string ToString() => BehindNat ? $"{Name} ({Address} behind {PublicAddress})" : $"{Name} ({Address})";
}
