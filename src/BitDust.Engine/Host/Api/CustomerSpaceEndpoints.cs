using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Host.Services;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary>
/// <c>/supplier/list/v1</c> and <c>/space/consumed/v1</c>: the customer's family, what it uses of it, and whether what a
/// restore needs is in the network: the catalog's backup with every change, the family's record in the DHT and with each supplier.
/// </summary>
public static class CustomerSpaceEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapGet("/supplier/list/v1", () =>
        {
            if (!CustomerAccess.TryStorage(node, out var storage, out var error))
                return error;
            var used = storage.UsedBytesByPosition();
            return ApiResult.Ok(storage.Family.Members.Select((member, position) => new
            {
                position,
                supplier = member?.Supplier,
                state = (member?.State ?? SupplierState.Missing).ToString().ToLowerInvariant(),
                last_seen = member?.LastSeen,
                last_audit = member?.LastAudit,
                audit_result = member?.AuditPassed switch { true => "passed", false => "failed", null => null },
                used_bytes = used[position],
            }));
        });

        api.MapGet("/space/consumed/v1", () =>
        {
            if (!CustomerAccess.TryStorage(node, out var storage, out var error))
                return error;
            var needed = node.Config.GetSize(ConfigKeys.CustomerNeededSpace);
            var family = storage.Family;
            var service = node.Services.Running<CustomerService>();
            var backup = service?.Backup;
            return ApiResult.Ok(new
            {
                needed_bytes = needed,
                suppliers = family.Size,
                quota_per_supplier = SupplierHiring.QuotaFor(needed, family.Size, family.Scheme),
                used_bytes = storage.UsedBytesByPosition().Sum(),
                files = storage.Catalog.ListFiles().Count,
                scheme = family.Scheme.ToString(),
                catalog_backup = backup is null ? null : new { version = backup.LastVersion, current = backup.IsCurrent },
                family_published = service?.IsFamilyPublished ?? false,
            });
        });
    }
}
