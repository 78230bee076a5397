using BitDust.Engine.Common;
using BitDust.Engine.Storage.Protocol;
using Microsoft.Data.Sqlite;

namespace BitDust.Engine.Storage.Supplier;

/// <summary>
/// What a supplier keeps for its customers, in <c>DATA/supplier</c>: each fragment a file under <c>fragments/CUSTOMER/</c>,
/// written to a temporary file, fsync'ed and renamed (<see cref="AtomicFile"/>), then indexed in <c>index.db</c> (SQLite,
/// WAL, synchronous=FULL); a fragment is acknowledged only after both. Contracts, quotas and meta blobs live in the index.
/// A customer is the key its TLS connection proved, so one customer never sees another's data.
/// </summary>
/// <remarks>
/// The index is touched under one lock and never while a file is written; file bytes are written and read outside it. A
/// fragment file is never overwritten in place: a new version gets a new name and the index switches to it in one
/// transaction, so a crash at any point leaves the acknowledged version intact, and <see cref="OpenAsync"/> removes the rest.
/// </remarks>
public sealed partial class FragmentStore : IDisposable
{
    private const string IndexFile = "index.db";
    private const string FragmentsFolder = "fragments";

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        CREATE TABLE IF NOT EXISTS customers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            fingerprint TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            quota INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS fragments (
            customer INTEGER NOT NULL,
            key BLOB NOT NULL,
            length INTEGER NOT NULL,
            sha256 BLOB NOT NULL,
            path TEXT NOT NULL,
            PRIMARY KEY (customer, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS meta (
            customer INTEGER NOT NULL,
            name TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (customer, name)) WITHOUT ROWID;
        PRAGMA user_version = 1;
        """;

    private readonly SqliteConnection _index;
    private readonly Func<long> _donatedBytes;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Customer> _customers = new(StringComparer.Ordinal);
    private bool _disposed;

    private FragmentStore(string folder, SqliteConnection index, Func<long> donatedBytes)
    {
        Folder = folder;
        _index = index;
        _donatedBytes = donatedBytes;
    }

    public string Folder { get; }

    private string FragmentsRoot => Path.Combine(Folder, FragmentsFolder);

    /// <summary>What opening cleaned up: temporary files, index rows without a file, files without a row.</summary>
    public StoreRecovery Recovery { get; private set; } = new(0, 0, 0);

    /// <summary>
    /// Opens (or creates) the store in <paramref name="folder"/> and reconciles the index with the files on disk.
    /// <paramref name="donatedBytes"/> is read at each contract request, so a change of the donated space applies at once.
    /// </summary>
    public static async Task<FragmentStore> OpenAsync(string folder, Func<long> donatedBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(donatedBytes);
        folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(Path.Combine(folder, FragmentsFolder));
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(folder, IndexFile),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using (var create = connection.CreateCommand())
            {
                create.CommandText = Schema;
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            var store = new FragmentStore(folder, connection, donatedBytes);
            store.Recovery = store.Reconcile();
            store.LoadCustomers();
            return store;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The space the supplier can still promise, for a customer shopping for suppliers.</summary>
    public SpaceOffer Offer()
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            var donated = _donatedBytes();
            return new SpaceOffer(donated, Math.Max(0, donated - GrantedBytes()));
        }
    }

    /// <summary>
    /// Grants <paramref name="quotaBytes"/> to <paramref name="who"/>, or resizes its contract. Refused when the quotas granted
    /// to everyone would exceed the donated space, or when the new quota is below what the customer already stores.
    /// </summary>
    public SpaceGrant RequestSpace(CustomerIdentity who, long quotaBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quotaBytes);
        lock (_lock)
        {
            ThrowIfDisposed();
            var donated = _donatedBytes();
            _customers.TryGetValue(who.KeyFingerprint, out var customer);
            var others = GrantedBytes() - (customer?.Quota ?? 0);
            if (others + quotaBytes > donated)
            {
                throw new StoreRefusedException(
                    $"donated space full: {others} of {donated} bytes are granted to other customers, {quotaBytes} asked; " +
                    "ask for less or find another supplier");
            }
            if (customer is not null && quotaBytes < customer.Used + customer.Reserved)
            {
                throw new StoreRefusedException(
                    $"quota {quotaBytes} is below the {customer.Used + customer.Reserved} bytes stored here; delete fragments first");
            }
            if (customer is null)
            {
                var id = Scalar<long>("INSERT INTO customers (fingerprint, name, quota) VALUES ($f, $n, $q) RETURNING id",
                    ("$f", who.KeyFingerprint), ("$n", who.Name), ("$q", quotaBytes));
                customer = new Customer(id, who.KeyFingerprint) { Name = who.Name, Quota = quotaBytes };
                _customers.Add(who.KeyFingerprint, customer);
            }
            else
            {
                Execute("UPDATE customers SET name = $n, quota = $q WHERE id = $id",
                    ("$n", who.Name), ("$q", quotaBytes), ("$id", customer.Id));
                customer.Name = who.Name;
                customer.Quota = quotaBytes;
            }
            return new SpaceGrant(customer.Quota, customer.Used);
        }
    }

    /// <summary>Ends the contract of <paramref name="who"/> and deletes everything kept for it; nothing to do without one.</summary>
    public void Release(CustomerIdentity who)
    {
        Customer? customer;
        lock (_lock)
        {
            ThrowIfDisposed();
            if (!_customers.Remove(who.KeyFingerprint, out customer))
                return;
            using var transaction = _index.BeginTransaction();
            Execute("DELETE FROM fragments WHERE customer = $id", ("$id", customer.Id));
            Execute("DELETE FROM meta WHERE customer = $id", ("$id", customer.Id));
            Execute("DELETE FROM customers WHERE id = $id", ("$id", customer.Id));
            transaction.Commit();
            customer.Released = true;
        }
        // After the commit: a crash here leaves files without rows, which the next open deletes.
        var folder = CustomerFolder(customer.Id);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        AtomicFile.SyncFolder(FragmentsRoot);
    }

    public DonatedSpace Usage()
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            return new DonatedSpace(_donatedBytes(), GrantedBytes(), _customers.Values.Sum(c => c.Used), _customers.Count);
        }
    }

    public IReadOnlyList<SupplierCustomer> Customers()
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            return _customers.Values.OrderBy(c => c.Name, StringComparer.Ordinal)
                .Select(c => new SupplierCustomer(c.Name, c.Fingerprint, c.Quota, c.Used, c.Fragments)).ToList();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            _index.Dispose();
        }
    }

    private long GrantedBytes() => _customers.Values.Sum(c => c.Quota);

    private string CustomerFolder(long id) => Path.Combine(FragmentsRoot, id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private void ThrowIfDisposed()
    {
        if (_disposed)
            throw new StoreRefusedException("the supplier is stopping; try again later");
    }

    private Customer RequireContract(CustomerIdentity who) =>
        _customers.TryGetValue(who.KeyFingerprint, out var customer)
            ? customer
            : throw new StoreRefusedException($"no contract with {who}: ask for space first (space.request)");

    private void LoadCustomers()
    {
        using var command = Command("""
            SELECT c.id, c.fingerprint, c.name, c.quota,
                (SELECT COALESCE(SUM(f.length), 0) FROM fragments f WHERE f.customer = c.id)
                    + (SELECT COALESCE(SUM(LENGTH(m.value)), 0) FROM meta m WHERE m.customer = c.id),
                (SELECT COUNT(*) FROM fragments f WHERE f.customer = c.id)
            FROM customers c
            """);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var customer = new Customer(reader.GetInt64(0), reader.GetString(1))
            {
                Name = reader.GetString(2),
                Quota = reader.GetInt64(3),
                Used = reader.GetInt64(4),
                Fragments = reader.GetInt32(5),
            };
            _customers.Add(customer.Fingerprint, customer);
        }
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _index.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    private T? Scalar<T>(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteScalar() is { } value and not DBNull ? (T)value : default;
    }

    /// <summary>A customer as the store tracks it between index writes; guarded by the store's lock.</summary>
    private sealed class Customer(long id, string fingerprint)
    {
        public long Id { get; } = id;

        public string Fingerprint { get; } = fingerprint;

        public required string Name { get; set; }

        public long Quota { get; set; }

        /// <summary>Bytes of acknowledged fragments and meta blobs.</summary>
        public long Used { get; set; }

        /// <summary>Bytes of fragments being written now, counted against the quota until they are indexed or dropped.</summary>
        public long Reserved { get; set; }

        public int Fragments { get; set; }

        /// <summary>Keys being written now: a second put of one of them waits for no one, it is refused.</summary>
        public HashSet<FragmentKey> Writing { get; } = [];

        /// <summary>Set when the contract ended while a put was writing, so that put drops its file instead of indexing it.</summary>
        public bool Released { get; set; }
    }
}
