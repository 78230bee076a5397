using System.Diagnostics;
using System.Text.Json.Nodes;
using BitDust.Mount.Cli;

namespace BitDust.Mount.Localnet;

/// <summary>
/// When a localnet node is ready: the services its role needs are ON (per /service/list/v1), its DHT has joined and its identity
/// is published. A service that failed to start, or a failed publication, ends the wait at once with the node's own reason.
/// </summary>
internal static class NodeReadiness
{
    private static readonly string[] Common = ["entangled_dht", "tcp_connections", "identity_propagate"];

    // A customer is ready once it has hired its family (network state READY), so files can be sent right after `localnet up`.
    private static string[] Required(LocalnetRole role) => role switch
    {
        LocalnetRole.Genesis => [.. Common, "identity_server"],
        LocalnetRole.Supplier => [.. Common, "supplier"],
        _ => [.. Common, "customer"],
    };

    public static async Task WaitAsync(ApiClient client, LocalnetNode node, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var pending = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            var (ok, answer) = await client.SendAsync(HttpMethod.Get, "/service/list/v1", null, cancellationToken).ConfigureAwait(false);
            if (ok && answer?["result"] is JsonArray services)
            {
                pending = Pending(services, Required(node.Role), node);
                if (pending.Length == 0)
                    return;
            }
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
        throw new LocalnetException($"{node.Name} was not ready within {timeout.TotalSeconds:0} s: {pending}; see {node.NodeHome.LogFile}");
    }

    /// <summary>What the node still waits for ("" when ready); throws when a required service failed for good.</summary>
    private static string Pending(JsonArray services, IEnumerable<string> required, LocalnetNode node)
    {
        var waiting = new List<string>();
        foreach (var name in required)
        {
            if (services.FirstOrDefault(s => Units.Text(s?["name"]) == $"service_{name}") is not { } service)
                continue;
            var state = Units.Text(service["state"]);
            var network = Units.Text(service["network_state"]);
            var reason = service["reason"] is { } r ? Units.Text(r) : null;
            if (state != "ON")
            {
                if (service["off_because"] is { } off && Units.Text(off) == "failed")
                    throw new LocalnetException($"{node.Name}: service {name} {reason}; see {node.NodeHome.LogFile}");
                waiting.Add($"{name} is OFF{(reason is null ? "" : $" ({reason})")}");
            }
            else if (name is "identity_propagate" or "customer" && network == "FAILED")
            {
                throw new LocalnetException($"{node.Name}: {name} failed{(reason is null ? "" : $" ({reason})")}; see {node.NodeHome.LogFile}");
            }
            else if ((name == "identity_propagate" && network != "PUBLISHED") || (name is "entangled_dht" or "customer" && network != "READY"))
            {
                waiting.Add($"{name} is {network}");
            }
        }
        return string.Join(", ", waiting);
    }
}
