using System.Buffers;
using System.Security.Cryptography;
using BitDust.Engine.Common;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;
using Microsoft.Data.Sqlite;

namespace BitDust.Engine.Storage.Supplier;

public sealed partial class FragmentStore
{
    private const UnixFileMode FragmentFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // Linux ENOSPC and EDQUOT; Windows ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL.
    private static readonly int[] DiskFullErrors = [28, 122, 0x27, 0x70, unchecked((int)0x80070027), unchecked((int)0x80070070)];

    /// <summary>
    /// Stores <paramref name="fragment"/> (64-byte header and payload) under <paramref name="key"/> for <paramref name="who"/>,
    /// replacing a fragment of the same key; returns the SHA-256 of the stored bytes once they and their index row are durable.
    /// </summary>
    /// <exception cref="StoreRefusedException">No contract, quota full, disk full, or a header that does not match the key.</exception>
    public async Task<byte[]> PutAsync(
        CustomerIdentity who, FragmentKey key, ReadOnlyMemory<byte> fragment, CancellationToken cancellationToken)
    {
        CheckHeader(key, fragment.Span);
        var hash = SHA256.HashData(fragment.Span);
        var length = fragment.Length;
        Customer customer;
        lock (_lock)
        {
            ThrowIfDisposed();
            customer = RequireContract(who);
            var replaced = StoredLength(customer, key);
            var needed = customer.Used + customer.Reserved - replaced + length;
            if (needed > customer.Quota)
            {
                throw new StoreRefusedException(
                    $"quota full: used {customer.Used + customer.Reserved} of {customer.Quota} bytes, " +
                    $"fragment {key} needs {length - replaced} more; ask for more space or delete old versions");
            }
            if (!customer.Writing.Add(key))
                throw new StoreRefusedException($"fragment {key} is being stored by another request; try again when it is done");
            customer.Reserved += length;
        }
        try
        {
            var relative = Path.Combine(
                customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{Convert.ToHexStringLower(key.ToBytes())}.{Guid.NewGuid():N}.frag");
            var path = Path.Combine(FragmentsRoot, relative);
            await WriteFileAsync(key, path, fragment, cancellationToken).ConfigureAwait(false);
            var superseded = Index(customer, key, length, hash, relative, path);
            if (superseded is not null)
                File.Delete(Path.Combine(FragmentsRoot, superseded));
            return hash;
        }
        finally
        {
            lock (_lock)
            {
                customer.Reserved -= length;
                customer.Writing.Remove(key);
            }
        }
    }

    /// <summary>The stored bytes, or null when <paramref name="who"/> has no fragment of that key here.</summary>
    public async Task<byte[]?> GetAsync(CustomerIdentity who, FragmentKey key, CancellationToken cancellationToken)
    {
        // A put that replaces the fragment may delete the file between the lookup and the read; the second lookup finds the new one.
        for (var attempt = 0; ; attempt++)
        {
            if (Locate(who, key) is not { } path)
                return null;
            try
            {
                return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && attempt == 0)
            {
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Proof of storage: SHA-256(<paramref name="nonce"/> ‖ stored bytes), read from the file on disk now, so a supplier that
    /// lost or damaged the bytes cannot answer right.
    /// </summary>
    public async Task<byte[]> AuditAsync(
        CustomerIdentity who, FragmentKey key, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var path = Locate(who, key) ?? throw NotHeld(key);
            try
            {
                return await HashFileAsync(nonce, path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && attempt == 0)
            {
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw NotHeld(key);
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> fragments of <paramref name="who"/> in key order, after <see cref="FragmentListQuery.After"/>.
    /// </summary>
    internal FragmentPage List(CustomerIdentity who, FragmentListQuery query, int limit = StorageWire.ListPageSize)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            if (!_customers.TryGetValue(who.KeyFingerprint, out var customer))
                return new FragmentPage([], More: false);
            // Without a file, every key: the empty blob sorts before all, and no upper bound.
            var (low, high) = query.File is { } file ? KeyRange(file) : ([], (byte[]?)null);
            using var command = Command("""
                SELECT key, length, sha256 FROM fragments
                WHERE customer = $c AND key > $after AND key >= $low AND ($high IS NULL OR key <= $high)
                ORDER BY key LIMIT $limit
                """, ("$c", customer.Id), ("$after", query.After?.ToBytes() ?? []), ("$low", low), ("$high", (object?)high ?? DBNull.Value),
                ("$limit", limit + 1));
            using var reader = command.ExecuteReader();
            var fragments = new List<StoredFragment>();
            while (reader.Read())
            {
                if (fragments.Count == limit)
                    return new FragmentPage(fragments, More: true);
                FragmentKey.TryRead((byte[])reader[0], out var key, out _);
                fragments.Add(new StoredFragment(key, reader.GetInt32(1), (byte[])reader[2]));
            }
            return new FragmentPage(fragments, More: false);
        }
    }

    /// <summary>Deletes every fragment of <paramref name="file"/> that <paramref name="who"/> keeps here; returns how many.</summary>
    public int Delete(CustomerIdentity who, FileVersion file)
    {
        List<string> paths = [];
        lock (_lock)
        {
            ThrowIfDisposed();
            if (!_customers.TryGetValue(who.KeyFingerprint, out var customer))
                return 0;
            var (low, high) = KeyRange(file);
            using var transaction = _index.BeginTransaction();
            long freed = 0;
            const string Sql = "DELETE FROM fragments WHERE customer = $c AND key >= $low AND key <= $high RETURNING path, length";
            using (var command = Command(Sql, ("$c", customer.Id), ("$low", low), ("$high", high)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    paths.Add(reader.GetString(0));
                    freed += reader.GetInt64(1);
                }
            }
            transaction.Commit();
            customer.Used -= freed;
            customer.Fragments -= paths.Count;
        }
        // After the commit: a crash here leaves files without rows, which the next open deletes.
        foreach (var path in paths)
            File.Delete(Path.Combine(FragmentsRoot, path));
        return paths.Count;
    }

    private static void CheckHeader(FragmentKey key, ReadOnlySpan<byte> fragment)
    {
        if (!FragmentHeader.TryRead(fragment, out var header, out var error))
            throw new StoreRefusedException($"fragment {key} is not a fragment: {error}");
        var named = new FragmentKey(header.File, header.BlockIndex, header.FragmentIndex);
        if (named != key)
            throw new StoreRefusedException($"fragment {key} has the header of fragment {named}");
        if (header.PayloadLength != fragment.Length - FragmentHeader.Size)
        {
            throw new StoreRefusedException(
                $"fragment {key}: its header announces {header.PayloadLength} payload bytes, {fragment.Length - FragmentHeader.Size} came");
        }
    }

    private async Task WriteFileAsync(FragmentKey key, string path, ReadOnlyMemory<byte> fragment, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        try
        {
            if (!Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder);
                AtomicFile.SyncFolder(FragmentsRoot);
            }
            // AtomicFile deletes its temporary file when the write fails, so a full disk leaves nothing behind.
            await AtomicFile.WriteAsync(path, fragment, FragmentFileMode, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (DiskFullErrors.Contains(e.HResult))
        {
            throw new StoreRefusedException($"disk full: no room for fragment {key} ({fragment.Length} bytes); try another supplier");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreRefusedException($"could not store fragment {key}: {e.Message}");
        }
    }

    /// <summary>Points the index at the new file; returns the file it replaced. A failure deletes the new file.</summary>
    private string? Index(Customer customer, FragmentKey key, int length, byte[] hash, string relative, string path)
    {
        try
        {
            lock (_lock)
            {
                if (customer.Released || _disposed)
                    throw new StoreRefusedException($"the contract ended while fragment {key} was being stored");
                using var transaction = _index.BeginTransaction();
                string? superseded = null;
                long replaced = 0;
                using (var command = Command("SELECT path, length FROM fragments WHERE customer = $c AND key = $k",
                           ("$c", customer.Id), ("$k", key.ToBytes())))
                using (var reader = command.ExecuteReader())
                {
                    if (reader.Read())
                        (superseded, replaced) = (reader.GetString(0), reader.GetInt64(1));
                }
                Execute("INSERT OR REPLACE INTO fragments (customer, key, length, sha256, path) VALUES ($c, $k, $l, $h, $p)",
                    ("$c", customer.Id), ("$k", key.ToBytes()), ("$l", length), ("$h", hash), ("$p", relative));
                transaction.Commit();
                customer.Used += length - replaced;
                if (superseded is null)
                    customer.Fragments++;
                return superseded;
            }
        }
        catch (Exception e) when (e is SqliteException or StoreRefusedException)
        {
            File.Delete(path);
            throw e as StoreRefusedException ?? new StoreRefusedException($"could not index fragment {key}: {e.Message}");
        }
    }

    private long StoredLength(Customer customer, FragmentKey key) =>
        Scalar<long>("SELECT length FROM fragments WHERE customer = $c AND key = $k", ("$c", customer.Id), ("$k", key.ToBytes()));

    private string? Locate(CustomerIdentity who, FragmentKey key)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            if (!_customers.TryGetValue(who.KeyFingerprint, out var customer))
                return null;
            var relative = Scalar<string>("SELECT path FROM fragments WHERE customer = $c AND key = $k",
                ("$c", customer.Id), ("$k", key.ToBytes()));
            return relative is null ? null : Path.Combine(FragmentsRoot, relative);
        }
    }

    private static async Task<byte[]> HashFileAsync(ReadOnlyMemory<byte> nonce, string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(nonce.Span);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                hash.AppendData(buffer, 0, read);
            return hash.GetHashAndReset();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Keys of one file version sort together: its 24 bytes, then block and position.</summary>
    private static (byte[] Low, byte[] High) KeyRange(FileVersion file)
    {
        var low = new byte[FragmentKey.Size];
        var high = new byte[FragmentKey.Size];
        file.WriteTo(low);
        file.WriteTo(high);
        high.AsSpan(FileVersion.Size).Fill(0xFF);
        return (low, high);
    }

    private static StoreRefusedException NotHeld(FragmentKey key) => new($"fragment {key} is not held here");
}
