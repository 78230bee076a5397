using System.CommandLine;
using System.Text.Json.Nodes;

namespace BitDust.Mount.Cli;

/// <summary>
/// <c>bitdust service start|stop|restart NAME</c>: one service of the running node, without restarting the node. Its dependents
/// stop with it; a service stopped this way stays off until started again or until the node restarts.
/// </summary>
internal static class ServiceCommands
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var service = new Command("service", "Start, stop or restart one service of the running node (`bitdust states` lists them).");
        foreach (var (verb, description) in new[]
        {
            ("start", "Start the service, and the services it depends on that are off."),
            ("stop", "Stop the service, and the running services that depend on it."),
            ("restart", "Stop the service and its dependents, then start them again."),
        })
        {
            var name = new Argument<string>("name") { Description = "The service: entangled-dht, customer, supplier, ... or service_customer" };
            var command = new Command(verb, description) { name, json };
            command.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Post,
                $"/service/{verb}/{Uri.EscapeDataString(parse.GetValue(name)!)}/v1", null, parse.GetValue(json), Render, ct));
            service.Subcommands.Add(command);
        }
        return service;
    }

    private static void Render(JsonNode result)
    {
        var service = result["service"]!;
        Console.WriteLine($"{service["name"]}({service["state"]})  {service["network_state"]}");
        foreach (var (key, label) in new[] { ("started", "started"), ("stopped", "stopped") })
        {
            if (result[key] is JsonArray names && names.Count > 0)
                Console.WriteLine($"{label}: {string.Join(", ", names.Select(n => n!.GetValue<string>()))}");
        }
    }
}
