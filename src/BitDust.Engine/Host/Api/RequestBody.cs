using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BitDust.Engine.Host.Api;

/// <summary>Reads a JSON object body with a bound, and says what was wrong with a bad one.</summary>
public static class RequestBody
{
    public static async Task<(JsonObject? Body, string? Error)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > RestApi.MaxBodySize)
            return (null, $"the body is over {RestApi.MaxBodySize} bytes");
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            return node is JsonObject body ? (body, null) : (null, "the body must be a JSON object");
        }
        catch (JsonException e)
        {
            return (null, $"the body is not valid JSON: {e.Message}");
        }
        catch (BadHttpRequestException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>A string field; JSON numbers and booleans are taken in their text form, as BitDust's API does.</summary>
    public static string? GetText(JsonObject body, string name) => body[name] switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value => value.ToJsonString(),
        _ => null,
    };
}
