using System.Globalization;
using System.Security.Cryptography;
using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;

namespace BitDust.Mount.Localnet;

/// <summary>
/// A real network on loopback, as separate daemons with their homes under one folder: a genesis node (DHT genesis and identity
/// server) and N suppliers, with the node in BITDUST_HOME as their customer. <c>up</c>, <c>status</c> and <c>down</c> live in
/// the partial files beside this one; progress lines go to <paramref name="report"/>.
/// </summary>
internal sealed partial class LocalNetwork(string folder, NodeHome customerHome, Action<string> report)
{
    public const int DefaultSuppliers = 7;

    /// <summary>What each supplier donates unless told otherwise: the config key's own default.</summary>
    public static string DefaultDonated => ConfigSchema.Get(ConfigKeys.SupplierDonatedSpace).Default;

    private const string Loopback = "127.0.0.1";

    public string Folder { get; } = Path.GetFullPath(folder);

    public NodeHome CustomerHome { get; } = customerHome;

    /// <summary>Where a node's localnet lives unless told otherwise: inside its own home.</summary>
    public static string DefaultFolder(NodeHome customer) => Path.Combine(customer.Root, "localnet");

    /// <summary>What the genesis node's DHT is joined through: <c>services/entangled-dht/known-nodes</c> of every other node.</summary>
    private static string KnownNodes(LocalnetNode genesis) => $"{Loopback}:{Text(genesis.Ports.Dht)}";

    /// <summary>The genesis node's identity server, as <c>services/identity-propagate/known-servers</c> names it.</summary>
    private static string KnownServers(LocalnetNode genesis) =>
        $"{Loopback}:{Text(genesis.Ports.IdentityWeb ?? 0)}:{Text(genesis.Ports.IdentityTcp ?? 0)}";

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Four random letters or digits, so names are unique across localnets: "supplier-3-k2x9".</summary>
    private static string Suffix() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 4);
}
