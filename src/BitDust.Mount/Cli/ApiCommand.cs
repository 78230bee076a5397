using System.CommandLine;

namespace BitDust.Mount.Cli;

/// <summary><c>bitdust api METHOD PATH [JSON]</c>: any REST endpoint, with the node's token, for scripts and the guide's curl lines.</summary>
internal static class ApiCommand
{
    public static Command Create()
    {
        var method = new Argument<string>("method") { Description = "GET, POST, PUT or DELETE" };
        var path = new Argument<string>("path") { Description = "e.g. /network/status/v1?dht=1" };
        var body = new Argument<string?>("json") { Description = "JSON body for POST/PUT", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("api", "Call a REST endpoint of the running node and print its JSON answer.") { method, path, body };
        command.SetAction(async (parse, ct) =>
        {
            var verb = parse.GetValue(method)!.ToUpperInvariant();
            if (verb is not ("GET" or "POST" or "PUT" or "DELETE"))
            {
                Console.Error.WriteLine($"error: \"{verb}\" is not GET, POST, PUT or DELETE");
                return ExitCodes.Usage;
            }
            var target = parse.GetValue(path)!;
            return await ApiCall.RunAsync(async client =>
            {
                var (ok, answer) = await client.SendAsync(new HttpMethod(verb), target.StartsWith('/') ? target : "/" + target,
                    parse.GetValue(body), ct).ConfigureAwait(false);
                Output.Json(answer);
                return ok ? ExitCodes.Ok : ExitCodes.Failed;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
