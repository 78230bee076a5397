using System.Globalization;
using BitDust.Engine.Common;

namespace BitDust.Engine.Storage.Supplier;

public sealed partial class FragmentStore
{
    /// <summary>
    /// Brings the index and the files back in line after a crash or a damaged disk: temporary files are writes that never
    /// reached their rename; a row whose file is gone (or has another length) names bytes that are no longer there; a file
    /// without a row was never acknowledged, or was replaced or deleted and the crash came before its removal.
    /// </summary>
    private StoreRecovery Reconcile()
    {
        var root = FragmentsRoot;
        var temporary = 0;
        foreach (var file in Directory.GetFiles(root, "*" + AtomicFile.TempSuffix, SearchOption.AllDirectories))
        {
            File.Delete(file);
            temporary++;
        }

        var kept = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<(long Customer, byte[] Key)>();
        using (var command = Command("SELECT customer, key, path, length FROM fragments"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var path = Path.GetFullPath(Path.Combine(root, reader.GetString(2)));
                var file = new FileInfo(path);
                var inside = path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
                if (inside && file.Exists && file.Length == reader.GetInt64(3))
                    kept.Add(path);
                else
                    missing.Add((reader.GetInt64(0), (byte[])reader[1]));
            }
        }
        using (var transaction = _index.BeginTransaction())
        {
            foreach (var (customer, key) in missing)
                Execute("DELETE FROM fragments WHERE customer = $c AND key = $k", ("$c", customer), ("$k", key));
            transaction.Commit();
        }

        var customers = new HashSet<string>(StringComparer.Ordinal);
        using (var command = Command("SELECT id FROM customers"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
                customers.Add(reader.GetInt64(0).ToString(CultureInfo.InvariantCulture));
        }
        var orphans = 0;
        foreach (var folder in Directory.GetDirectories(root))
        {
            foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            {
                if (!kept.Contains(file))
                {
                    File.Delete(file);
                    orphans++;
                }
            }
            if (!customers.Contains(Path.GetFileName(folder)))
                Directory.Delete(folder, recursive: true);
        }
        foreach (var file in Directory.GetFiles(root))
        {
            File.Delete(file);
            orphans++;
        }
        if (temporary + missing.Count + orphans > 0)
            AtomicFile.SyncFolder(root);
        return new StoreRecovery(temporary, missing.Count, orphans);
    }
}
