using System.CommandLine;
using System.Text.Json.Nodes;

namespace BitDust.Mount.Cli;

/// <summary><c>bitdust space donated|consumed</c>: the space this node gives as a supplier, and the space it uses as a customer.</summary>
internal static class SpaceCommands
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var space = new Command("space", "Space donated to customers, and space consumed on suppliers.");

        var donated = new Command("donated", "As a supplier: space donated, granted to customers, used and free.") { json };
        donated.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Get, "/space/donated/v1", null, parse.GetValue(json),
            RenderDonated, ct));
        space.Subcommands.Add(donated);

        var consumed = new Command("consumed", "As a customer: space needed, the quota on each supplier, space used.") { json };
        consumed.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Get, "/space/consumed/v1", null, parse.GetValue(json),
            RenderConsumed, ct));
        space.Subcommands.Add(consumed);
        return space;
    }

    private static void RenderDonated(JsonNode result)
    {
        Console.WriteLine($"donated  {Units.Bytes(Units.Long(result["donated_bytes"]))}");
        Console.WriteLine($"granted  {Units.Bytes(Units.Long(result["granted_bytes"]))} to {Units.Long(result["customers"])} customer(s)");
        Console.WriteLine($"used     {Units.Bytes(Units.Long(result["used_bytes"]))}");
        Console.WriteLine($"free     {Units.Bytes(Units.Long(result["free_bytes"]))}");
    }

    private static void RenderConsumed(JsonNode result)
    {
        Console.WriteLine($"needed    {Units.Bytes(Units.Long(result["needed_bytes"]))} over {Units.Long(result["suppliers"])} suppliers " +
            $"(scheme {Units.Text(result["scheme"])})");
        Console.WriteLine($"quota     {Units.Bytes(Units.Long(result["quota_per_supplier"]))} on each supplier");
        Console.WriteLine($"used      {Units.Bytes(Units.Long(result["used_bytes"]))} by {Units.Long(result["files"])} file(s)");
    }
}
