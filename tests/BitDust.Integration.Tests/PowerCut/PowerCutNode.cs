using System.Globalization;
using BitDust.Integration.Tests.Storage;
using Microsoft.Data.Sqlite;
using CrashPoint = BitDust.Engine.Storage.CrashPoint;

namespace BitDust.Integration.Tests.PowerCut;

/// <summary>A node of a localnet that a power-cut test kills at crash points, and what its suppliers were sent.</summary>
internal static class PowerCutNode
{
    /// <summary>Set to 1 to cut at every point a test lists, not only at the few the suite runs every time.</summary>
    public const string AllCutsVariable = "BITDUST_TEST_ALL_CUTS";

    /// <summary>
    /// The cuts to make: those of <paramref name="all"/> at <paramref name="suite"/> (kept small so that the whole test suite stays
    /// short), or every one when <see cref="AllCutsVariable"/> is 1.
    /// </summary>
    public static T[] Cuts<T>(T[] all, params int[] suite) =>
        Environment.GetEnvironmentVariable(AllCutsVariable) == "1" ? all : [.. suite.Select(i => all[i])];

    /// <summary>
    /// Fragment keys held in <paramref name="before"/> that <paramref name="after"/> holds with other bytes. A version number is
    /// never used twice, so a key always belongs to one data key: other bytes under it mean a nonce sealed two blocks.
    /// </summary>
    public static IReadOnlyList<string> Rewritten(Dictionary<string, string> before, Dictionary<string, string> after) =>
        [.. before.Where(f => after.TryGetValue(f.Key, out var hash) && hash != f.Value).Select(f => f.Key)];

    /// <summary>
    /// The owner of a power-cut test: a customer node of <paramref name="net"/> (4 suppliers, 64 KB blocks) whose home is
    /// <paramref name="disk"/>, so a cut takes what it did not sync; returns once it is READY.
    /// </summary>
    public static async Task<BitDustCli> StartOwnerAsync(LocalnetFixture net, PowerCutFileSystem disk)
    {
        Directory.CreateDirectory(net.NodesFolder);
        Directory.CreateSymbolicLink(Path.Combine(net.NodesFolder, "owner"), disk.MountPoint);
        var owner = await net.AddNodeAsync("owner", [("services/customer/enabled", "true"), ("services/customer/suppliers-number", "4"),
            ("services/backups/block-size", "64 KB")]);
        await net.WaitCustomerReadyAsync(owner);
        return owner;
    }

    /// <summary>Stops the node if it runs, arms <paramref name="crashAt"/> (or not) and starts it again, READY.</summary>
    public static async Task RestartAsync(LocalnetFixture net, BitDustCli node, string? crashAt)
    {
        if (node.DaemonPid() is { } running && LocalnetFixture.RunsUnder(running, net.NodesFolder))
            await node.RunOkAsync("stop");
        if (crashAt is null)
            node.Environment.Remove(CrashPoint.Variable);
        else
            node.Environment[CrashPoint.Variable] = crashAt;
        // This CLI, not the fixture's: the daemon it starts inherits the crash point.
        await node.RunOkAsync("daemon");
        await net.WaitCustomerReadyAsync(node);
    }

    /// <summary>Every fragment the suppliers hold: (supplier, customer, key) → SHA-256 of its bytes, read from their indexes.</summary>
    public static Dictionary<string, string> Fragments(LocalnetFixture net)
    {
        var fragments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var supplier in net.Suppliers)
        {
            var index = Path.Combine(LocalnetFixture.SupplierDataFolder(supplier), "index.db");
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = index, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT customer, key, sha256 FROM fragments";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var key = $"{supplier.Name}/{reader.GetInt64(0).ToString(CultureInfo.InvariantCulture)}/" +
                    Convert.ToHexString(reader.GetFieldValue<byte[]>(1));
                fragments[key] = Convert.ToHexString(reader.GetFieldValue<byte[]>(2));
            }
        }
        return fragments;
    }
}
