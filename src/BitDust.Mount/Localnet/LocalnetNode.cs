using System.Text.Json.Serialization;
using BitDust.Engine.Common;

namespace BitDust.Mount.Localnet;

internal enum LocalnetRole
{
    Genesis,
    Supplier,
    Customer,
}

/// <summary>The ports a localnet node listens on; the identity server's only on the genesis node.</summary>
internal sealed record LocalnetPorts(int Api, int Dht, int Tcp, int? IdentityWeb = null, int? IdentityTcp = null)
{
    [JsonIgnore]
    public IEnumerable<int> All => new int?[] { Api, Dht, Tcp, IdentityWeb, IdentityTcp }.OfType<int>();

    public override string ToString() =>
        $"api {Api}, dht {Dht}, tcp {Tcp}" + (IdentityWeb is { } web ? $", identity server {web}/{IdentityTcp}" : "");
}

/// <summary>One daemon of a localnet: its role, identity name, home, the pid it had when last brought up, and its ports.</summary>
internal sealed record LocalnetNode(LocalnetRole Role, string Name, string Home, int? Pid, LocalnetPorts Ports)
{
    [JsonIgnore]
    public NodeHome NodeHome => new(Home);
}
