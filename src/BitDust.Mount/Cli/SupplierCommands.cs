using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace BitDust.Mount.Cli;

/// <summary>
/// <c>bitdust supplier list</c> (a customer's family: who keeps its fragments, and how they do), <c>supplier ping</c>,
/// <c>supplier audit</c> and <c>supplier replace POSITION</c> (the employer's checks and replacement, now), <c>supplier
/// new-family</c> (a recovered identity that finds no family hires one), and
/// <c>bitdust customer list</c> (a supplier's customers: whose fragments it keeps, within which quota).
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

        var ping = new Command("ping", "Ping every supplier of the family now: who answers, and how fast.") { json };
        ping.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Post, "/supplier/ping/v1", null, parse.GetValue(json), RenderPings, ct));
        supplier.Subcommands.Add(ping);

        var audit = new Command("audit", "Audit every supplier now: each proves it holds a few random fragments intact.") { json };
        audit.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Post, "/supplier/audit/v1", null, parse.GetValue(json), RenderAudits,
            ct));
        supplier.Subcommands.Add(audit);

        var position = new Argument<int>("position") { Description = "The family position to replace (`bitdust supplier list`)" };
        var replace = new Command("replace", "Fire the supplier at a position and hire another; the rebuild then fills it.")
        {
            position, json,
        };
        replace.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Post, "/supplier/replace/v1",
            new JsonObject { ["position"] = parse.GetValue(position) }, parse.GetValue(json), RenderReplacement, ct));
        supplier.Subcommands.Add(replace);

        var newFamily = new Command("new-family",
            "Stop looking for the family of a recovered identity and hire a new one: only for an identity that never stored " +
            "files (files stored with an earlier family are out of reach from this node).") { json };
        newFamily.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Post, "/supplier/family/new/v1", null, parse.GetValue(json),
            _ => Console.WriteLine("Hiring a new family: `bitdust supplier list` shows it."), ct));
        supplier.Subcommands.Add(newFamily);
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

    private static void RenderPings(JsonNode result)
    {
        var table = new TextTable("POSITION", "SUPPLIER", "STATE", "ROUND TRIP", "PROBLEM");
        foreach (var ping in result.AsArray().OfType<JsonNode>())
        {
            var roundTrip = ping["round_trip_ms"] is JsonValue ms && ms.TryGetValue<double>(out var milliseconds)
                ? milliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms"
                : "-";
            table.Add(Units.Text(ping["position"]), Units.Text(ping["supplier"]), Units.Text(ping["state"]), roundTrip,
                Units.Text(ping["error"]));
        }
        table.Write(Console.Out);
    }

    private static void RenderAudits(JsonNode result)
    {
        var table = new TextTable("POSITION", "SUPPLIER", "RESULT", "CHECKED", "PROBLEMS", "ACTION");
        foreach (var audit in result.AsArray().OfType<JsonNode>())
        {
            var problems = string.Join("; ", audit["problems"]?.AsArray().Select(Units.Text) ?? []);
            table.Add(Units.Text(audit["position"]), Units.Text(audit["supplier"]), Units.Text(audit["result"]),
                Units.Text(audit["fragments_checked"]), problems.Length > 0 ? problems : "-", Units.Text(audit["action"]));
        }
        table.Write(Console.Out);
    }

    private static void RenderReplacement(JsonNode result)
    {
        if (result["fired"] is { } fired)
            Console.WriteLine($"fired  {Units.Text(fired)}");
        Console.WriteLine($"hired  {Units.Text(result["hired"])}");
        Console.WriteLine(Units.Text(result["status"]));
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
