using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BitDust.Engine.Host.Api;

/// <summary>BitDust's JSON envelope: <c>{"status": "OK", "result": ...}</c> or <c>{"status": "ERROR", "errors": [...]}</c>.</summary>
public static class ApiResult
{
    public static IResult Ok(object? result) =>
        Results.Json(new JsonObject { ["status"] = "OK", ["result"] = JsonSerializer.SerializeToNode(result, ApiJson.Options) }, ApiJson.Options);

    public static IResult Error(int statusCode, params string[] errors) =>
        Results.Json(new JsonObject { ["status"] = "ERROR", ["errors"] = new JsonArray(errors.Select(e => (JsonNode?)e).ToArray()) },
            ApiJson.Options, statusCode: statusCode);
}

public static class ApiJson
{
    /// <summary>Relaxed escaping: the answers are JSON for programs, never embedded in HTML, so "4+3" stays "4+3".</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
