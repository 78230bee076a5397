using BitDust.Engine.Crypto;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Storage.Customer.Families;
using Microsoft.Data.Sqlite;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>The supplier family, by position.</summary>
public sealed partial class Catalog
{
    public IReadOnlyList<FamilyMember> LoadFamily()
    {
        lock (_gate)
        {
            return Query("""
                SELECT position, supplier, public_key, endpoint, state, quota, hired, last_seen, last_audit, audit_result
                FROM family ORDER BY position
                """, ReadMember);
        }
    }

    /// <summary>Adds or replaces the member at its position.</summary>
    public void SaveFamilyMember(FamilyMember member)
    {
        lock (_gate)
        {
            Execute("""
                INSERT OR REPLACE INTO family(
                    position, supplier, public_key, endpoint, state, quota, hired, last_seen, last_audit, audit_result)
                VALUES($position, $supplier, $key, $endpoint, $state, $quota, $hired, $seen, $audit, $result)
                """, ("$position", member.Position), ("$supplier", member.Supplier), ("$key", member.Contact?.PublicKey.Export()),
                ("$endpoint", member.Contact is { } contact ? contact.Address : null),
                ("$state", Text(member.State)), ("$quota", member.QuotaBytes), ("$hired", Time(member.Hired)),
                ("$seen", Time(member.LastSeen)), ("$audit", Time(member.LastAudit)),
                ("$result", member.AuditPassed switch { true => "passed", false => "failed", null => null }));
        }
    }

    public void RemoveFamilyMember(int position)
    {
        lock (_gate)
            Execute("DELETE FROM family WHERE position=$position", ("$position", position));
    }

    private static FamilyMember ReadMember(SqliteDataReader r)
    {
        var supplier = r.GetString(1);
        PeerContact? contact = null;
        if (ReadOptionalBytes(r, 2) is { } key && !r.IsDBNull(3))
        {
            try
            {
                contact = FamilyMember.ParseContact(supplier, IdentityPublicKey.Import(key), r.GetString(3));
            }
            catch (MalformedKeyMaterialException)
            {
                // A damaged key only costs a fresh look-up of the supplier.
            }
        }
        var result = r.IsDBNull(9) ? null : r.GetString(9);
        return new FamilyMember(r.GetInt32(0), supplier, contact, Parse<SupplierState>(r.GetString(4)), r.GetInt64(5), ReadTime(r, 6),
            ReadOptionalTime(r, 7), ReadOptionalTime(r, 8), result is null ? null : result == "passed");
    }
}
