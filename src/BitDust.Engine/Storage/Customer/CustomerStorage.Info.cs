using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;

namespace BitDust.Engine.Storage.Customer;

/// <summary>What the catalog knows of a file's versions and the health of their blocks.</summary>
public sealed partial class CustomerStorage
{
    /// <summary>The versions of the file at <paramref name="remotePath"/>, newest first, each with its blocks' health.</summary>
    public IReadOnlyList<VersionHealth> Inspect(string remotePath)
    {
        if (!RemotePath.IsValid(remotePath, out var problem))
            throw new ArgumentException(problem);
        var file = Catalog.FindFile(remotePath) ?? throw new RemoteFileNotFoundException(remotePath);
        return [.. Catalog.Versions(file.FileId).Select(v => Health(v))];
    }

    /// <summary>
    /// Per block, the fragments stored — with <paramref name="reachableOnly"/>, only those whose supplier still holds its
    /// position and was not offline when last asked. A durable version's blocks and scheme come from its manifest; a version
    /// still uploading counts the blocks encoded so far under today's family.
    /// </summary>
    public VersionHealth Health(CatalogVersion version, bool reachableOnly = false)
    {
        var (blockCount, scheme) = version.Manifest is { } signed && Manifest.Read(signed, Keys.IdentityKey.PublicKey) is var manifest
            ? (manifest.Blocks.Count, manifest.Scheme)
            : (Catalog.BlockEntries(version.File).Count, Family.Scheme);
        var fragments = Catalog.Fragments(version.File);
        var members = Family.Members;
        var stored = fragments.Where(f => f.State == FragmentState.Stored && (!reachableOnly || IsReachable(f, members)))
            .GroupBy(f => f.Key.BlockIndex).ToDictionary(g => g.Key, g => g.Count());
        var blocks = Enumerable.Range(0, blockCount)
            .Select(i => new BlockHealth(i, stored.GetValueOrDefault(i), scheme.Total, scheme.DataCount,
                scheme.DurableCount(Options.DurableMargin))).ToList();
        return new VersionHealth(version, blocks, fragments.Any(f => f.State != FragmentState.Stored));
    }

    private static bool IsReachable(CatalogFragment fragment, IReadOnlyList<FamilyMember?> members) =>
        fragment.Key.Position < members.Count &&
        members[fragment.Key.Position] is { State: SupplierState.Hired or SupplierState.Connected } member &&
        member.Supplier == fragment.Supplier;

    /// <summary>Bytes (headers included) of the fragments stored at each position of the family, over every version.</summary>
    public long[] UsedBytesByPosition()
    {
        var used = new long[Family.Size];
        foreach (var file in Catalog.Files())
        {
            foreach (var version in Catalog.Versions(file.FileId))
            {
                var (entries, scheme) = version.Manifest is { } signed && Manifest.Read(signed, Keys.IdentityKey.PublicKey) is var manifest
                    ? (manifest.Blocks.Index().ToDictionary(b => (long)b.Index, b => b.Item), manifest.Scheme)
                    : (Catalog.BlockEntries(version.File).ToDictionary(), Family.Scheme);
                foreach (var fragment in Catalog.Fragments(version.File))
                {
                    if (fragment.State == FragmentState.Stored && fragment.Key.Position < used.Length &&
                        entries.TryGetValue(fragment.Key.BlockIndex, out var entry))
                        used[fragment.Key.Position] += entry.ShardLength(scheme) + FragmentHeader.Size;
                }
            }
        }
        return used;
    }
}
