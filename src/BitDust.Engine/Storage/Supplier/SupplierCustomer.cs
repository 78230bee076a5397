namespace BitDust.Engine.Storage.Supplier;

/// <summary>A customer with a contract here: what it was granted and what it uses (fragments and meta blobs).</summary>
public sealed record SupplierCustomer(string Name, string KeyFingerprint, long QuotaBytes, long UsedBytes, int Fragments);

/// <summary>The donated space as a whole: how much of it is promised to customers and how much they fill.</summary>
public sealed record DonatedSpace(long DonatedBytes, long GrantedBytes, long UsedBytes, int Customers)
{
    /// <summary>What can still be granted.</summary>
    public long FreeBytes => Math.Max(0, DonatedBytes - GrantedBytes);
}

/// <summary>What opening the store cleaned up after an unclean stop.</summary>
public sealed record StoreRecovery(int TempFilesDeleted, int MissingFragmentsDropped, int OrphanFilesDeleted);
