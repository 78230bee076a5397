using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BitDust.Mount.Cli;

/// <summary>How the CLI prints: API errors as the API words them, on stderr; results as indented JSON for scripts.</summary>
internal static class Output
{
    /// <summary>Indented, and escaping only what JSON requires: the output is for terminals and scripts, not HTML.</summary>
    public static JsonSerializerOptions Indented { get; } = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Failure(JsonNode? answer)
    {
        if (answer?["errors"] is JsonArray errors && errors.Count > 0)
        {
            foreach (var error in errors)
                Console.Error.WriteLine($"error: {error}");
        }
        else
        {
            Console.Error.WriteLine($"error: {answer?.ToJsonString() ?? "no answer"}");
        }
        return ExitCodes.Failed;
    }

    /// <summary>As <see cref="Failure(JsonNode?)"/>; a request the API refused as bad input (400) is exit code 2.</summary>
    public static int Failure(System.Net.HttpStatusCode status, JsonNode? answer)
    {
        Failure(answer);
        return status == System.Net.HttpStatusCode.BadRequest ? ExitCodes.Usage : ExitCodes.Failed;
    }

    public static void Json(JsonNode? node) => Console.WriteLine(node?.ToJsonString(Indented) ?? "null");
}
