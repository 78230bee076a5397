using System.Text.Json.Nodes;

namespace BitDust.Mount.Cli;

/// <summary>How the CLI reports an API error: the API's own messages, one per line, on stderr.</summary>
internal static class Output
{
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
}
