using System.Diagnostics.CodeAnalysis;
using System.Text;
using BitDust.Engine.Common;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>
/// What the network backup of the catalog carries: every file, its readable versions with their signed manifests, and
/// where each fragment is and in what state. Upload jobs and the family are not in it (the family is in the DHT).
/// </summary>
/// <remarks>
/// Binary, big-endian: "BDCG", format version, flags, supplier count (u16) and names (u16 length + UTF-8), file count (i32),
/// per file [remote path (u16 length + UTF-8), file id (16), created (unix ms, 8), version count (i32), per version
/// [version (8), size (8), state (1), created (8), manifest (i32 length + bytes), fragment count (i32), per fragment
/// [block (8), position (u16), supplier index (u16), state (1), hash length (1) + hash]]]; from format 2 on, the drive's tree:
/// entry count (i32), per entry [path (u16 length + UTF-8), kind (1), mode (i32), modified (unix ns, 8), uid (i32), gid (i32),
/// target (u16 length + UTF-8; links only)]; from format 3 on, the versions stubs pin: count (i32), per pin [file id (16),
/// version (8), holder (u16 length + UTF-8), created (unix ms, 8)].
/// </remarks>
public sealed record CatalogSnapshot(IReadOnlyList<CatalogSnapshot.FileEntry> Files, IReadOnlyList<TreeEntry>? Tree = null,
    IReadOnlyList<VersionPin>? Pins = null)
{
    public const byte FormatVersion = 3;

    private const int MinPinSize = 16 + 8 + 2 + 8;

    private const int MinTreeEntrySize = 2 + 1 + 4 + 8 + 4 + 4 + 2;

    /// <summary>Bound on a snapshot read back from the network, checked before it is fetched.</summary>
    public const long MaxSize = 1L << 30;

    private const int HashSize = 32;

    /// <summary>The last millisecond of year 9999: what DateTimeOffset can hold.</summary>
    private const long MaxTime = 253402300799999;

    // The fewest bytes each entry takes: counts above remaining / these are refused before anything is allocated.
    private const int MinFileSize = 2 + 1 + 16 + 8 + 4;
    private const int MinVersionSize = 8 + 8 + 1 + 8 + 4 + 4;
    private const int MinFragmentSize = 8 + 2 + 2 + 1 + 1;

    private static ReadOnlySpan<byte> Magic => "BDCG"u8;

    public sealed record FileEntry(CatalogFile File, IReadOnlyList<VersionEntry> Versions);

    public sealed record VersionEntry(CatalogVersion Version, IReadOnlyList<CatalogFragment> Fragments);

    public byte[] Write()
    {
        var suppliers = Files.SelectMany(f => f.Versions).SelectMany(v => v.Fragments).Select(g => g.Supplier)
            .Distinct(StringComparer.Ordinal).ToList();
        var index = suppliers.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var writer = new FormatWriter(4096);
        writer.WriteBytes(Magic);
        writer.WriteByte(FormatVersion);
        writer.WriteByte(0);
        writer.WriteUInt16(suppliers.Count);
        foreach (var supplier in suppliers)
            WriteText(writer, supplier);
        writer.WriteInt32(Files.Count);
        foreach (var (file, versions) in Files)
        {
            WriteText(writer, file.RemotePath);
            writer.WriteBytes(file.FileId.ToByteArray(bigEndian: true));
            writer.WriteInt64(file.Created.ToUnixTimeMilliseconds());
            writer.WriteInt32(versions.Count);
            foreach (var (version, fragments) in versions)
            {
                var manifest = version.Manifest
                    ?? throw new ArgumentException($"{version.File} has no manifest: only readable versions are backed up.");
                writer.WriteInt64(version.File.Version);
                writer.WriteInt64(version.Size);
                writer.WriteByte((byte)version.State);
                writer.WriteInt64(version.Created.ToUnixTimeMilliseconds());
                writer.WriteInt32(manifest.Length);
                writer.WriteBytes(manifest);
                writer.WriteInt32(fragments.Count);
                foreach (var fragment in fragments)
                {
                    writer.WriteInt64(fragment.Key.BlockIndex);
                    writer.WriteUInt16(fragment.Key.Position);
                    writer.WriteUInt16(index[fragment.Supplier]);
                    writer.WriteByte((byte)fragment.State);
                    writer.WriteByte((byte)(fragment.Hash?.Length ?? 0));
                    writer.WriteBytes(fragment.Hash ?? []);
                }
            }
        }
        var tree = Tree ?? [];
        writer.WriteInt32(tree.Count);
        foreach (var entry in tree)
        {
            WriteText(writer, entry.Path);
            writer.WriteByte((byte)entry.Kind);
            writer.WriteInt32(entry.Mode);
            writer.WriteInt64(Catalog.Nanoseconds(entry.Modified));
            writer.WriteInt32(entry.Uid);
            writer.WriteInt32(entry.Gid);
            WriteText(writer, entry.Target ?? "");
        }
        var pins = Pins ?? [];
        writer.WriteInt32(pins.Count);
        foreach (var pin in pins)
        {
            writer.WriteBytes(pin.File.FileId.ToByteArray(bigEndian: true));
            writer.WriteInt64(pin.File.Version);
            WriteText(writer, pin.Holder);
            writer.WriteInt64(pin.Created.ToUnixTimeMilliseconds());
        }
        return writer.ToArray();
    }

    /// <summary>
    /// Parses a snapshot; false with the reason for anything malformed. Manifests are parsed later, by their owner's key.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, [NotNullWhen(true)] out CatalogSnapshot? snapshot,
        [NotNullWhen(false)] out string? error)
    {
        snapshot = null;
        var reader = new FormatReader(source);
        if (!reader.TryReadBytes(4, out var magic) || !magic.SequenceEqual(Magic))
            return Fail("not a BitDust catalog backup (bad magic)", out error);
        if (!reader.TryReadByte(out var version) || !reader.TryReadByte(out var flags) || !reader.TryReadUInt16(out var supplierCount))
            return Truncated(reader, out error);
        if (version is < 1 or > FormatVersion || flags != 0)
            return Fail($"catalog backup format {version} (flags 0x{flags:x2}) is not supported (this program reads 1..{FormatVersion})",
                out error);
        var suppliers = new string[supplierCount];
        for (var i = 0; i < supplierCount; i++)
        {
            if (!TryReadText(ref reader, out suppliers[i]!))
                return Truncated(reader, out error);
        }
        if (!reader.TryReadInt32(out var fileCount) || fileCount < 0 || fileCount > reader.Remaining / MinFileSize)
            return Fail($"catalog backup file count is wrong at byte {reader.Position}", out error);
        var files = new List<FileEntry>(fileCount);
        for (var f = 0; f < fileCount; f++)
        {
            if (!TryReadText(ref reader, out var path) || !reader.TryReadBytes(16, out var id) || !reader.TryReadInt64(out var created) ||
                !reader.TryReadInt32(out var versionCount))
                return Truncated(reader, out error);
            if (RemotePath.Validate(path) is { } pathProblem)
                return Fail($"catalog backup file {f}: {pathProblem}", out error);
            if (versionCount < 0 || versionCount > reader.Remaining / MinVersionSize || created is < 0 or > MaxTime)
                return Fail($"catalog backup file {path} is malformed", out error);
            var file = new CatalogFile(new Guid(id, bigEndian: true), path, DateTimeOffset.FromUnixTimeMilliseconds(created));
            var versions = new List<VersionEntry>(versionCount);
            for (var v = 0; v < versionCount; v++)
            {
                if (!TryReadVersion(ref reader, file, suppliers, out var entry, out error))
                    return false;
                versions.Add(entry);
            }
            files.Add(new FileEntry(file, versions));
        }
        var tree = new List<TreeEntry>();
        if (version >= 2 && !TryReadTree(ref reader, tree, out error))
            return false;
        var pins = new List<VersionPin>();
        if (version >= 3 && !TryReadPins(ref reader, pins, out error))
            return false;
        if (reader.Remaining != 0)
            return Fail($"catalog backup has {reader.Remaining} unexpected bytes at its end", out error);
        snapshot = new CatalogSnapshot(files, tree, pins);
        error = null;
        return true;
    }

    private static bool TryReadVersion(ref FormatReader reader, CatalogFile file, string[] suppliers,
        [NotNullWhen(true)] out VersionEntry? entry, [NotNullWhen(false)] out string? error)
    {
        entry = null;
        if (!reader.TryReadInt64(out var number) || !reader.TryReadInt64(out var size) || !reader.TryReadByte(out var state) ||
            !reader.TryReadInt64(out var created) || !reader.TryReadInt32(out var manifestLength))
            return Truncated(reader, out error);
        if (number < 1 || size is < 0 or > PipelineLimits.MaxFileSize || !Enum.IsDefined((VersionState)state) ||
            created is < 0 or > MaxTime ||
            manifestLength is < 0 or > Manifest.MaxSize)
            return Fail($"catalog backup version {number} of {file.RemotePath} is malformed", out error);
        if (!reader.TryReadBytes(manifestLength, out var manifest) || !reader.TryReadInt32(out var fragmentCount))
            return Truncated(reader, out error);
        if (fragmentCount < 0 || fragmentCount > reader.Remaining / MinFragmentSize)
            return Fail($"catalog backup version {number} of {file.RemotePath} has a wrong fragment count", out error);
        var fileVersion = new FileVersion(file.FileId, number);
        var fragments = new List<CatalogFragment>(fragmentCount);
        for (var i = 0; i < fragmentCount; i++)
        {
            if (!reader.TryReadInt64(out var block) || !reader.TryReadUInt16(out var position) || !reader.TryReadUInt16(out var supplier) ||
                !reader.TryReadByte(out var fragmentState) || !reader.TryReadByte(out var hashLength) ||
                !reader.TryReadBytes(hashLength, out var hash))
                return Truncated(reader, out error);
            if (block is < 0 or >= PipelineLimits.MaxBlocks || position >= PipelineLimits.MaxFragments || supplier >= suppliers.Length ||
                !Enum.IsDefined((FragmentState)fragmentState) || hashLength is not (0 or HashSize))
                return Fail($"catalog backup fragment {i} of {file.RemotePath} version {number} is malformed", out error);
            fragments.Add(new CatalogFragment(new FragmentKey(fileVersion, block, position), suppliers[supplier],
                hashLength == 0 ? null : hash.ToArray(), (FragmentState)fragmentState));
        }
        entry = new VersionEntry(new CatalogVersion(fileVersion, size, (VersionState)state,
            DateTimeOffset.FromUnixTimeMilliseconds(created), manifest.ToArray()), fragments);
        error = null;
        return true;
    }

    private static bool TryReadTree(ref FormatReader reader, List<TreeEntry> tree, [NotNullWhen(false)] out string? error)
    {
        if (!reader.TryReadInt32(out var count) || count < 0 || count > reader.Remaining / MinTreeEntrySize)
            return Fail($"catalog backup tree entry count is wrong at byte {reader.Position}", out error);
        for (var i = 0; i < count; i++)
        {
            if (!TryReadText(ref reader, out var path) || !reader.TryReadByte(out var kind) || !reader.TryReadInt32(out var mode) ||
                !reader.TryReadInt64(out var modified) || !reader.TryReadInt32(out var uid) || !reader.TryReadInt32(out var gid) ||
                !TryReadText(ref reader, out var target))
                return Truncated(reader, out error);
            if (RemotePath.Validate(path) is { } pathProblem)
                return Fail($"catalog backup tree entry {i}: {pathProblem}", out error);
            if (!Enum.IsDefined((TreeEntryKind)kind) || mode is < 0 or > 0xFFFF ||
                (kind == (byte)TreeEntryKind.Symlink) != (target.Length > 0))
                return Fail($"catalog backup tree entry {path} is malformed", out error);
            tree.Add(new TreeEntry(path, (TreeEntryKind)kind, mode,
                Catalog.FromNanoseconds(modified), uid, gid,
                target.Length > 0 ? target : null));
        }
        error = null;
        return true;
    }

    private static bool TryReadPins(ref FormatReader reader, List<VersionPin> pins, [NotNullWhen(false)] out string? error)
    {
        if (!reader.TryReadInt32(out var count) || count < 0 || count > reader.Remaining / MinPinSize)
            return Fail($"catalog backup pin count is wrong at byte {reader.Position}", out error);
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadBytes(16, out var id) || !reader.TryReadInt64(out var version) || !TryReadText(ref reader, out var holder) ||
                !reader.TryReadInt64(out var created))
                return Truncated(reader, out error);
            if (version < 1 || holder.Length == 0 || created is < 0 or > MaxTime)
                return Fail($"catalog backup pin {i} is malformed", out error);
            pins.Add(new VersionPin(new FileVersion(new Guid(id, bigEndian: true), version), holder,
                DateTimeOffset.FromUnixTimeMilliseconds(created)));
        }
        error = null;
        return true;
    }

    private static void WriteText(FormatWriter writer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        writer.WriteUInt16(bytes.Length);
        writer.WriteBytes(bytes);
    }

    private static bool TryReadText(ref FormatReader reader, out string text)
    {
        text = "";
        if (!reader.TryReadUInt16(out var length) || !reader.TryReadBytes(length, out var bytes))
            return false;
        text = Encoding.UTF8.GetString(bytes);
        return true;
    }

    private static bool Truncated(FormatReader reader, out string error) =>
        Fail($"catalog backup truncated at byte {reader.Position}", out error);
}
