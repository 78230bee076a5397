using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using BitDust.Engine.Common;
using BitDust.Mount.Daemon;

namespace BitDust.Mount.Cli;

/// <summary>
/// <c>bitdust status</c>: the node at a glance — identity, network (DHT contacts, router), suppliers with their health, space
/// donated and consumed, the catalog backup and family record, transfers in progress and the drive's upload queue — read from
/// the REST API; a part whose service is off is left out. <c>--json</c> prints the same as one object. Exit 3 when no node
/// runs.
/// </summary>
internal static class StatusCommand
{
    // The parts, each from one endpoint; an endpoint that refuses (its service is off) leaves its part out.
    private static readonly (string Name, string Path)[] Parts =
    [
        ("process", "/process/info/v1"), ("identity", "/identity/get/v1"), ("network", "/network/status/v1?dht=1"),
        ("suppliers", "/supplier/list/v1"), ("space_consumed", "/space/consumed/v1"), ("space_donated", "/space/donated/v1"),
        ("transfers", "/transfer/list/v1"), ("drive", "/drive/status/v1"), ("services", "/service/list/v1"),
    ];

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print everything as one JSON object." };
        var status = new Command("status", """
            The node at a glance: identity, network (DHT contacts, router), suppliers and their health, space donated and
            consumed, whether the catalog backup and the family record are in the network (what a restore from the identity
            backup needs), transfers in progress and the drive's upload queue. Exit 3 when no node runs.
            """) { json };
        status.SetAction((parse, ct) => RunAsync(NodeHome.FromEnvironment(), parse.GetValue(json), ct));
        return status;
    }

    private static async Task<int> RunAsync(NodeHome home, bool json, CancellationToken cancellationToken)
    {
        using var client = new ApiClient(home);
        if (PidFile.ReadLivePid(home) is null || !await client.IsHealthyAsync(cancellationToken).ConfigureAwait(false))
        {
            Console.WriteLine(json
                ? """{"running": false}"""
                : $"BitDust node in {home.Root} is not running (start it with: bitdust daemon).");
            return ExitCodes.NotRunning;
        }
        var answers = await Task.WhenAll(Parts.Select(async part =>
        {
            var (ok, answer) = await client.SendAsync(HttpMethod.Get, part.Path, null, cancellationToken).ConfigureAwait(false);
            return (part.Name, Result: ok ? answer?["result"]?.DeepClone() : null);
        })).ConfigureAwait(false);
        var status = new JsonObject { ["running"] = true };
        foreach (var (name, result) in answers)
            status[name] = result;
        if (json)
            Output.Json(status);
        else
            Print(status, client.BaseAddress);
        return ExitCodes.Ok;
    }

    private static void Print(JsonObject status, Uri? api)
    {
        var process = status["process"];
        Console.WriteLine($"BitDust node {process?["version"]} running in {process?["home"]}: pid {process?["pid"]}, " +
            $"up {TimeSpan.FromSeconds(process?["uptime_seconds"]?.GetValue<long>() ?? 0)}, REST API {api}");
        PrintIdentity(status["identity"]);
        PrintNetwork(status["network"]);
        PrintSuppliers(status["suppliers"]?.AsArray(), status["space_consumed"]);
        PrintDonated(status["space_donated"]);
        PrintTransfers(status["transfers"]?.AsArray());
        PrintDrive(status["drive"]);
        var services = status["services"]?.AsArray() ?? [];
        var off = services.Where(s => s?["state"]?.ToString() == "OFF").Select(s => s!["name"]!.ToString()).ToList();
        var offList = off.Count > 0 ? $"; off: {string.Join(", ", off)}" : "";
        Console.WriteLine($"services   {services.Count - off.Count} on{offList} (bitdust states)");
    }

    private static void PrintIdentity(JsonNode? identity)
    {
        if (identity is null)
        {
            Console.WriteLine("identity   none yet: bitdust identity create NAME");
            return;
        }
        Console.WriteLine($"identity   {identity["name"]} (revision {identity["revision"]}), {identity["idurl"] ?? "no identity server"}");
        Console.WriteLine($"           reached at {string.Join(", ", identity["contacts"]?.AsArray().Select(c => c?.ToString()) ?? [])}");
    }

    private static void PrintNetwork(JsonNode? network)
    {
        var dht = network?["dht"];
        var line = dht is null ? "DHT off" : $"DHT {dht["contacts"]} contacts (UDP {dht["port"]})";
        if (network?["tcp"] is { } tcp)
            line += $", TCP {tcp["port"]} with {tcp["connections"]} peers connected";
        Console.WriteLine($"network    {line}");
        if (network?["proxy_transport"] is { } transport)
        {
            Console.WriteLine("router     " + transport["state"]?.ToString() switch
            {
                "CONNECTED" => $"reached through {transport["router"]} at {transport["router_address"]} (this node is behind NAT)",
                "DIRECT" => "none needed: a router reached this node directly",
                "NO_ROUTERS" => "none in this network: this node is reached at its own address",
                var state => $"{state?.ToLowerInvariant()}: looking for a router",
            });
        }
        if (network?["proxy_server"] is { } server)
            Console.WriteLine($"router     this node routes {server["routes"]} nodes (limit {server["routes_limit"]})");
    }

    private static void PrintSuppliers(JsonArray? suppliers, JsonNode? consumed)
    {
        if (suppliers is null)
            return;
        var counts = suppliers.GroupBy(s => s?["state"]?.ToString() ?? "?").Select(g => $"{g.Count()} {g.Key}");
        Console.WriteLine($"suppliers  {suppliers.Count} positions ({consumed?["scheme"]}): {string.Join(", ", counts)}");
        foreach (var supplier in suppliers)
        {
            var seen = Ago(supplier?["last_seen"]);
            var audit = supplier?["audit_result"] is { } result ? $", audit {result} {Ago(supplier["last_audit"])}" : "";
            Console.WriteLine($"  {supplier?["position"],3}  {supplier?["state"],-9} {supplier?["supplier"] ?? "-"}  " +
                $"seen {seen}{audit}, {Units.Bytes(supplier?["used_bytes"]?.GetValue<long>() ?? 0)}");
        }
        if (consumed is not null)
        {
            Console.WriteLine($"space      {Units.Bytes(consumed["used_bytes"]!.GetValue<long>())} stored for {consumed["files"]} files, " +
                $"{Units.Bytes(consumed["needed_bytes"]!.GetValue<long>())} needed " +
                $"({Units.Bytes(consumed["quota_per_supplier"]!.GetValue<long>())} on each supplier)");
            if (consumed["catalog_backup"] is { } backup)
            {
                var version = backup["version"]!.GetValue<long>();
                Console.WriteLine("catalog    " + (version, backup["current"]!.GetValue<bool>()) switch
                {
                    (0, _) => "not backed up in the network yet",
                    (_, true) => $"backed up as version {version}, with every change",
                    _ => $"backed up as version {version}; the changes since go up in a moment",
                });
                Console.WriteLine("family     " + (consumed["family_published"]?.GetValue<bool>() == true
                    ? "its record is in the DHT and with every supplier: a restore from the identity backup finds it"
                    : "its record is not yet in the DHT and with every supplier (a restore from the identity backup looks it up)"));
            }
        }
    }

    private static void PrintDonated(JsonNode? donated)
    {
        if (donated is null)
            return;
        Console.WriteLine($"donated    {Units.Bytes(donated["donated_bytes"]!.GetValue<long>())}: " +
            $"{Units.Bytes(donated["granted_bytes"]!.GetValue<long>())} granted to {donated["customers"]} customers, " +
            $"{Units.Bytes(donated["used_bytes"]!.GetValue<long>())} used, {Units.Bytes(donated["free_bytes"]!.GetValue<long>())} free");
    }

    private static void PrintTransfers(JsonArray? transfers)
    {
        var running = transfers?.Where(t => t?["state"]?.ToString() is "queued" or "running" or "durable").ToList() ?? [];
        if (running.Count == 0)
        {
            Console.WriteLine("transfers  none in progress");
            return;
        }
        Console.WriteLine($"transfers  {running.Count} in progress");
        foreach (var transfer in running)
        {
            var total = transfer!["bytes_total"]?.GetValue<long>() ?? 0;
            var done = transfer["bytes_done"]?.GetValue<long>() ?? 0;
            var percent = total > 0 ? (100.0 * done / total).ToString("0", CultureInfo.InvariantCulture) + "%" : "";
            Console.WriteLine($"  {transfer["kind"],-8} {transfer["remote_path"]}  {transfer["state"]} {percent} " +
                $"({Units.Bytes(done)} of {Units.Bytes(total)})");
        }
    }

    private static void PrintDrive(JsonNode? drive)
    {
        if (drive is null)
            return;
        if (drive["state"]?.ToString() is not ("MOUNTED" or "FLUSHING"))
        {
            Console.WriteLine("drive      not mounted (bitdust-mount MOUNTPOINT)");
            return;
        }
        var open = drive["open_for_writing"]?.AsArray().Count ?? 0;
        Console.WriteLine($"drive      {drive["state"]!.ToString().ToLowerInvariant()} at {drive["mount_point"]}: " +
            $"{drive["pending_files"]} files ({Units.Bytes(drive["pending_bytes"]!.GetValue<long>())}) waiting to upload" +
            $"{(open > 0 ? $", {open} open for writing" : "")}; cache {Units.Bytes(drive["cache_used"]!.GetValue<long>())} of " +
            $"{Units.Bytes(drive["cache_limit"]!.GetValue<long>())}" +
            (drive["last_error"] is { } error ? $"; last upload error: {error}" : ""));
    }

    private static string Ago(JsonNode? time)
    {
        if (time is null || !DateTimeOffset.TryParse(time.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            return "never";
        var ago = DateTimeOffset.UtcNow - at;
        return ago.TotalSeconds < 90 ? $"{Math.Max(0, ago.TotalSeconds):0} s ago"
            : ago.TotalMinutes < 90 ? $"{ago.TotalMinutes:0} min ago" : $"{ago.TotalHours:0} h ago";
    }
}
