using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;
using Microsoft.Data.Sqlite;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>Where each fragment went, and the block entries of versions still uploading.</summary>
public sealed partial class Catalog
{
    private const string FragmentColumns = "file_id, version, block, position, supplier, sha256, state";

    /// <summary>Records (or replaces) what is known of one fragment.</summary>
    public void RecordFragment(FragmentKey key, string supplier, byte[]? hash, FragmentState state)
    {
        lock (_gate)
        {
            Execute("""
                INSERT INTO fragments(file_id, version, block, position, supplier, sha256, state)
                VALUES($id, $version, $block, $position, $supplier, $hash, $state)
                ON CONFLICT(file_id, version, block, position)
                DO UPDATE SET supplier=excluded.supplier, sha256=excluded.sha256, state=excluded.state
                """, ("$id", IdBytes(key.File.FileId)), ("$version", key.File.Version), ("$block", key.BlockIndex),
                ("$position", key.Position), ("$supplier", supplier), ("$hash", hash), ("$state", Text(state)));
        }
        OnChanged(notify: false);
    }

    /// <summary>Every fragment recorded for <paramref name="file"/>, by block then position.</summary>
    public IReadOnlyList<CatalogFragment> Fragments(FileVersion file)
    {
        lock (_gate)
        {
            return Query($"SELECT {FragmentColumns} FROM fragments WHERE file_id=$id AND version=$version ORDER BY block, position",
                ReadFragment, ("$id", IdBytes(file.FileId)), ("$version", file.Version));
        }
    }

    /// <summary>Every fragment recorded at <paramref name="position"/>, optionally only those in <paramref name="state"/>.</summary>
    public IReadOnlyList<CatalogFragment> FragmentsAt(int position, FragmentState? state = null)
    {
        lock (_gate)
        {
            return Query($"SELECT {FragmentColumns} FROM fragments WHERE position=$position AND ($state IS NULL OR state=$state)",
                ReadFragment, ("$position", position), ("$state", state is { } s ? Text(s) : null));
        }
    }

    /// <summary>
    /// Sets every fragment at <paramref name="position"/> (e.g. of a fired supplier) to <paramref name="state"/>; returns how many.
    /// </summary>
    public int MarkPosition(int position, FragmentState state)
    {
        int changed;
        lock (_gate)
            changed = Execute("UPDATE fragments SET state=$state WHERE position=$position", ("$state", Text(state)),
                ("$position", position));
        if (changed > 0)
            OnChanged();
        return changed;
    }

    /// <summary>
    /// Keeps the manifest entry of a block of a version still uploading and the hash of its plain bytes, on disk before any of
    /// its fragments is sent (<see cref="Durably"/>): a resumed upload needs the entry for the manifest, and seals the block
    /// again under the same key and nonce only when the bytes hash the same (see <see cref="Crypto.BlockCipher"/>).
    /// </summary>
    public void SaveBlockEntry(FileVersion file, long block, BlockEntry entry, byte[] contentHash) => Durably(() => Execute("""
        INSERT OR REPLACE INTO block_entries(file_id, version, block, codec, stored_length, block_tag, fragment_tags, content_hash)
        VALUES($id, $version, $block, $codec, $length, $tag, $tags, $hash)
        """, ("$id", IdBytes(file.FileId)), ("$version", file.Version), ("$block", block), ("$codec", (int)entry.Codec),
        ("$length", entry.StoredLength), ("$tag", entry.BlockTag), ("$tags", entry.FragmentTags), ("$hash", contentHash)));

    public IReadOnlyDictionary<long, BlockEntry> BlockEntries(FileVersion file) =>
        SavedBlocks(file).ToDictionary(b => b.Key, b => b.Value.Entry);

    /// <summary>The entries saved for a version still uploading, each with the hash of its plain bytes (null when not kept).</summary>
    public IReadOnlyDictionary<long, (BlockEntry Entry, byte[]? ContentHash)> SavedBlocks(FileVersion file)
    {
        lock (_gate)
        {
            return Query("""
                SELECT block, codec, stored_length, block_tag, fragment_tags, content_hash FROM block_entries
                WHERE file_id=$id AND version=$version
                """, r => (Block: r.GetInt64(0), Entry: new BlockEntry((BlockCodec)r.GetByte(1), r.GetInt32(2), r.GetFieldValue<byte[]>(3),
                    r.GetFieldValue<byte[]>(4)), Hash: ReadOptionalBytes(r, 5)),
                ("$id", IdBytes(file.FileId)), ("$version", file.Version)).ToDictionary(e => e.Block, e => (e.Entry, e.Hash));
        }
    }

    private static CatalogFragment ReadFragment(SqliteDataReader reader) =>
        new(new FragmentKey(ReadVersion(reader, 0), reader.GetInt64(2), reader.GetInt32(3)), reader.GetString(4),
            ReadOptionalBytes(reader, 5), Parse<FragmentState>(reader.GetString(6)));
}
