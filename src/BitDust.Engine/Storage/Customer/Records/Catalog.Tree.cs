using Microsoft.Data.Sqlite;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>The drive's tree: folders, symbolic links and file attributes, beside the files and their versions.</summary>
public sealed partial class Catalog
{
    private const string TreeColumns = "path, kind, mode, modified_ns, uid, gid, target";

    public IReadOnlyList<TreeEntry> TreeEntries()
    {
        lock (_gate)
            return Query($"SELECT {TreeColumns} FROM tree ORDER BY path", ReadTreeEntry);
    }

    public TreeEntry? FindTreeEntry(string path)
    {
        lock (_gate)
            return Query($"SELECT {TreeColumns} FROM tree WHERE path=$path", ReadTreeEntry, ("$path", path)).FirstOrDefault();
    }

    /// <summary>Adds or replaces the entry for <see cref="TreeEntry.Path"/>.</summary>
    public void SetTreeEntry(TreeEntry entry)
    {
        lock (_gate)
        {
            Execute($"INSERT OR REPLACE INTO tree({TreeColumns}) VALUES($path, $kind, $mode, $modified, $uid, $gid, $target)",
                ("$path", entry.Path), ("$kind", (int)entry.Kind), ("$mode", entry.Mode), ("$modified", Nanoseconds(entry.Modified)),
                ("$uid", entry.Uid), ("$gid", entry.Gid), ("$target", entry.Target));
        }
        OnChanged();
    }

    /// <summary>Forgets the tree entry at <paramref name="path"/> (not what is under it, nor a file's versions).</summary>
    public void RemoveTreeEntry(string path)
    {
        lock (_gate)
            Execute("DELETE FROM tree WHERE path=$path", ("$path", path));
        OnChanged();
    }

    /// <summary>
    /// Moves <paramref name="from"/> and everything under it to <paramref name="to"/> in one transaction: files, tree entries,
    /// and the files of upload jobs that have not begun their version yet, so a queued upload lands under the new name.
    /// Whatever was at <paramref name="to"/> (a file's versions are the caller's to delete first) must be gone.
    /// </summary>
    public void Rename(string from, string to)
    {
        lock (_gate)
        {
            InTransaction(() =>
            {
                foreach (var (table, column) in new[] { ("files", "remote_path"), ("tree", "path"), ("upload_job_files", "remote_path") })
                {
                    // SQLite's length counts $from as substr counts the column: in code points (string.Length counts UTF-16 units).
                    Execute($"""
                        UPDATE {table} SET {column} = $to || substr({column}, length($from) + 1)
                        WHERE {column}=$from OR {InSubtree(column)}
                        """, [("$to", to), ("$from", from), .. SubtreeOf(from)]);
                }
                return 0;
            });
        }
        OnChanged();
    }

    /// <summary>Nanoseconds since 1970, clamped to what a long holds (years 1677..2262).</summary>
    internal static long Nanoseconds(DateTimeOffset time) =>
        Math.Clamp(time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, long.MinValue / 100, long.MaxValue / 100) * 100;

    internal static DateTimeOffset FromNanoseconds(long nanoseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + nanoseconds / 100, TimeSpan.Zero);

    private static TreeEntry ReadTreeEntry(SqliteDataReader reader) =>
        new(reader.GetString(0), (TreeEntryKind)reader.GetInt32(1), reader.GetInt32(2), FromNanoseconds(reader.GetInt64(3)),
            reader.GetInt32(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6));
}
