using System.Net.NetworkInformation;
using System.Net.Sockets;
using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Host.Services;

namespace BitDust.Engine.Tests.Host.Services;

/// <summary>
/// Which host a node names in its tcp:// contact. The several-hosts tests (Integration.Tests/Hosts) prove it across network
/// namespaces; here, the rules on this machine's own addresses.
/// </summary>
public sealed class ContactHostTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bitdust-contact-").FullName;

    /// <summary>An address of this machine that is not loopback (127.0.0.1 on a machine with none, where the rule still holds).</summary>
    private static readonly string OwnAddress = NetworkInterface.GetAllNetworkInterfaces()
        .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)?.ToString() ?? "127.0.0.1";

    [Fact]
    public async Task Told_of_no_network_a_node_names_loopback()
    {
        Assert.Equal("127.0.0.1", await ContactHost.ResolveAsync(await ConfigAsync(), CancellationToken.None));
    }

    [Fact]
    public async Task A_node_names_the_address_it_reaches_its_first_known_node_from()
    {
        var config = await ConfigAsync(("services/entangled-dht/known-nodes", $"{OwnAddress}:14441,127.0.0.1:14441"));
        Assert.Equal(OwnAddress, await ContactHost.ResolveAsync(config, CancellationToken.None));
        await config.SetAsync("services/entangled-dht/known-nodes", $"127.0.0.1:14441,{OwnAddress}:14441");
        Assert.Equal("127.0.0.1", await ContactHost.ResolveAsync(config, CancellationToken.None));
    }

    [Fact]
    public async Task A_genesis_node_or_one_whose_known_node_has_no_address_names_the_address_it_reaches_its_identity_server_from()
    {
        var servers = ("services/identity-propagate/known-servers", $"{OwnAddress}:8084:6661");
        Assert.Equal(OwnAddress, await ContactHost.ResolveAsync(
            await ConfigAsync(("services/entangled-dht/known-nodes", "genesis"), servers), CancellationToken.None));
        Assert.Equal(OwnAddress, await ContactHost.ResolveAsync(
            await ConfigAsync(("services/entangled-dht/known-nodes", "no-such-host.invalid:14441"), servers), CancellationToken.None));
    }

    [Fact]
    public async Task A_host_set_in_config_is_named_as_it_is()
    {
        var config = await ConfigAsync(("services/entangled-dht/known-nodes", $"{OwnAddress}:14441"),
            ("services/tcp-connections/host", "host-a.example.org"));
        Assert.Equal("host-a.example.org", await ContactHost.ResolveAsync(config, CancellationToken.None));
    }

    private async Task<NodeConfig> ConfigAsync(params (string Key, string Value)[] settings)
    {
        var home = Directory.CreateDirectory(Path.Combine(_folder, Guid.NewGuid().ToString("N"))).FullName;
        var config = NodeConfig.Load(new NodeHome(home));
        foreach (var (key, value) in settings)
            await config.SetAsync(key, value);
        return config;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
