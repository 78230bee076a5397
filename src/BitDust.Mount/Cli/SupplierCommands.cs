using System.CommandLine;
using System.Text.Json.Nodes;

namespace BitDust.Mount.Cli;

/// <summary>
/// <c>bitdust supplier list</c> (a customer's family: who keeps its fragments, and how they do) and <c>bitdust customer list</c>
/// (a supplier's customers: whose fragments it keeps, within which quota).
/// </summary>
internal static class SupplierCommands
{
    public static IEnumerable<Command> Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };

        var supplier = new Command("supplier", "The suppliers this node (a customer) has hired.");
        var suppliers = new Command("list", "Each supplier of the family: position, state, last seen, last audit, space used.") { json };
        suppliers.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Get, "/supplier/list/v1", null, parse.GetValue(json),
            RenderSuppliers, ct));
        supplier.Subcommands.Add(suppliers);
        yield return supplier;

        var customer = new Command("customer", "The customers whose fragments this node (a supplier) keeps.");
        var customers = new Command("list", "Each customer: key, quota, space used, fragments kept.") { json };
        customers.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Get, "/customer/list/v1", null, parse.GetValue(json),
            RenderCustomers, ct));
        customer.Subcommands.Add(customers);
        yield return customer;
    }

    private static void RenderSuppliers(JsonNode result)
    {
        var table = new TextTable("POSITION", "SUPPLIER", "STATE", "LAST SEEN", "LAST AUDIT", "AUDIT", "USED");
        foreach (var supplier in result.AsArray().OfType<JsonNode>())
        {
            table.Add(Units.Text(supplier["position"]), Units.Text(supplier["supplier"]), Units.Text(supplier["state"]),
                Units.Time(supplier["last_seen"]), Units.Time(supplier["last_audit"]), Units.Text(supplier["audit_result"]),
                Units.Bytes(Units.Long(supplier["used_bytes"])));
        }
        if (table.Count == 0)
            Console.WriteLine("no suppliers hired (is the customer service on? bitdust states)");
        else
            table.Write(Console.Out);
    }

    private static void RenderCustomers(JsonNode result)
    {
        var table = new TextTable("CUSTOMER", "KEY", "QUOTA", "USED", "FRAGMENTS");
        foreach (var customer in result.AsArray().OfType<JsonNode>())
        {
            table.Add(Units.Text(customer["customer"]), Units.Text(customer["key_fingerprint"]),
                Units.Bytes(Units.Long(customer["quota_bytes"])), Units.Bytes(Units.Long(customer["used_bytes"])),
                Units.Text(customer["fragments"]));
        }
        if (table.Count == 0)
            Console.WriteLine("no customers yet");
        else
            table.Write(Console.Out);
    }
}
