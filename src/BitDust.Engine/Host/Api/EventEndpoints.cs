using System.Globalization;
using System.Text;
using System.Text.Json;
using BitDust.Engine.Storage.Customer.Families;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary>One thing an event stream follows: its kind ("transfer"), its id within the kind, and what it is now.</summary>
public sealed record NodeEvent(string Kind, string Id, object Data);

/// <summary>
/// <c>GET /event/listen/v1</c>: server-sent events (<c>text/event-stream</c>) of what changes on the node: each transfer
/// (progress, state), each position of the customer's family (who holds it, its state, its last audit), each service (ON or
/// OFF, its state), and what the host adds (the drive's status). The first events describe everything as it is; after that
/// an event comes only when something changed (looked at every second), and <c>"gone": true</c> when it went away. An event
/// is <c>event: KIND</c>, <c>id: N</c> (counting from 1 on this stream) and <c>data:</c> one line of JSON that has the item's
/// <c>id</c>. A comment line every 15 s keeps idle proxies from closing the stream.
/// </summary>
public static class EventEndpoints
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <param name="more">The host's own sources (the drive), asked like the engine's.</param>
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node, params Func<IEnumerable<NodeEvent>>[] more)
    {
        Func<IEnumerable<NodeEvent>>[] sources = [() => Transfers(node), () => Family(node), () => Services(node), .. more];
        api.MapGet("/event/listen/v1", async (HttpContext context, CancellationToken cancellationToken) =>
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            var sent = new Dictionary<(string Kind, string Id), string>();
            long number = 0;
            var quietSince = DateTimeOffset.UtcNow;
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var text = new StringBuilder();
                    var seen = new HashSet<(string, string)>();
                    foreach (var source in sources)
                    {
                        foreach (var item in source())
                        {
                            var key = (item.Kind, item.Id);
                            seen.Add(key);
                            var json = JsonSerializer.Serialize(item.Data, ApiJson.Options);
                            if (sent.TryGetValue(key, out var last) && last == json)
                                continue;
                            sent[key] = json;
                            Append(text, ++number, item.Kind, json);
                        }
                    }
                    foreach (var gone in sent.Keys.Where(k => !seen.Contains(k)).ToList())
                    {
                        sent.Remove(gone);
                        Append(text, ++number, gone.Kind, JsonSerializer.Serialize(new { id = gone.Id, gone = true }, ApiJson.Options));
                    }
                    if (text.Length == 0 && DateTimeOffset.UtcNow - quietSince >= KeepAlive)
                        text.Append(": keep-alive\n\n");
                    if (text.Length > 0)
                    {
                        quietSince = DateTimeOffset.UtcNow;
                        await context.Response.WriteAsync(text.ToString(), cancellationToken).ConfigureAwait(false);
                        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                    await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // The client went away, or the node is stopping.
            }
        });
    }

    private static void Append(StringBuilder text, long number, string kind, string json) =>
        text.Append("event: ").Append(kind).Append('\n')
            .Append("id: ").Append(number.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("data: ").Append(json).Append("\n\n");

    private static IEnumerable<NodeEvent> Transfers(NodeApiContext node) =>
        CustomerAccess.TryStorage(node, out var storage, out _)
            ? storage.Transfers.List().Select(t => new NodeEvent("transfer", t.Id, CustomerAccess.Describe(t)))
            : [];

    private static IEnumerable<NodeEvent> Family(NodeApiContext node)
    {
        if (!CustomerAccess.TryStorage(node, out var storage, out _))
            return [];
        return storage.Family.Members.Select((member, position) => new NodeEvent("supplier",
            position.ToString(CultureInfo.InvariantCulture), new
            {
                id = position.ToString(CultureInfo.InvariantCulture),
                position,
                supplier = member?.Supplier,
                state = (member?.State ?? SupplierState.Missing).ToString().ToLowerInvariant(),
                audit_result = member?.AuditPassed switch { true => "passed", false => "failed", null => null },
            })).ToList();
    }

    private static IEnumerable<NodeEvent> Services(NodeApiContext node) =>
        node.Services.List().Select(s => new NodeEvent("service", s.Name, new
        {
            id = s.Name,
            name = $"service_{s.Name.Replace('-', '_')}",
            state = s.Running ? "ON" : "OFF",
            network_state = s.State,
            reason = s.Running ? null : s.Reason,
        }));
}
