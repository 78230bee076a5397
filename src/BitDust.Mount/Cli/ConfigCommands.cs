using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;
using BitDust.Mount.Daemon;

namespace BitDust.Mount.Cli;

/// <summary>
/// <c>set</c>, <c>get</c>, <c>config</c>: through the running daemon when there is one (so it validates and stores), else
/// straight in the home's config file. Either way values are validated with the same rules.
/// </summary>
internal static class ConfigCommands
{
    public static IEnumerable<Command> Create()
    {
        var key = new Argument<string>("key") { Description = "A config key, e.g. services/supplier/donated-space" };
        var value = new Argument<string>("value") { Description = "Its new value, e.g. \"50 GB\"" };
        var set = new Command("set", "Set a config value (validated; `bitdust config` lists the keys).") { key, value };
        set.SetAction((parse, ct) => SetAsync(parse.GetValue(key)!, parse.GetValue(value)!, ct));
        yield return set;

        var getKey = new Argument<string>("key") { Description = "A config key" };
        var get = new Command("get", "Print a config value.") { getKey };
        get.SetAction(parse => Get(parse.GetValue(getKey)!));
        yield return get;

        var json = new Option<bool>("--json") { Description = "Print every key as JSON." };
        var list = new Command("config", "List every config key with its value and what it is for.") { json };
        list.SetAction(parse => List(parse.GetValue(json)));
        yield return list;
    }

    private static async Task<int> SetAsync(string name, string value, CancellationToken cancellationToken)
    {
        var home = NodeHome.FromEnvironment();
        try
        {
            string stored;
            if (PidFile.ReadLivePid(home) is not null)
            {
                using var client = new ApiClient(home);
                var body = new JsonObject { ["value"] = value }.ToJsonString();
                var (ok, answer) = await client.SendAsync(HttpMethod.Post, $"/config/set/{name}/v1", body, cancellationToken).ConfigureAwait(false);
                if (!ok)
                {
                    Output.Failure(answer);
                    return ExitCodes.Usage;
                }
                stored = answer!["result"]!["value"]!.GetValue<string>();
                Console.WriteLine(answer["result"]?["restart_needed"]?.GetValue<bool>() == false
                    ? $"{name} = {stored}  (applied now)"
                    : $"{name} = {stored}  (restart the node for it to take effect: bitdust restart)");
                return ExitCodes.Ok;
            }
            home.Create();
            stored = await NodeConfig.Load(home).SetAsync(name, value, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"{name} = {stored}");
            return ExitCodes.Ok;
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    private static int Get(string name)
    {
        try
        {
            Console.WriteLine(NodeConfig.Load(NodeHome.FromEnvironment()).Get(name));
            return ExitCodes.Ok;
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    private static int List(bool json)
    {
        NodeConfig config;
        try
        {
            config = NodeConfig.Load(NodeHome.FromEnvironment());
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
        var entries = config.List();
        if (json)
        {
            var array = new JsonArray(entries.Select(e => (JsonNode?)new JsonObject
            {
                ["key"] = e.Key.Name, ["value"] = e.Value, ["default"] = e.Key.Default, ["is_default"] = !e.IsSet, ["description"] = e.Key.Description,
            }).ToArray());
            Console.WriteLine(array.ToJsonString(Output.Indented));
            return ExitCodes.Ok;
        }
        var width = entries.Max(e => e.Key.Name.Length);
        foreach (var (key, value, isSet) in entries)
            Console.WriteLine($"{key.Name.PadRight(width)}  {(value.Length == 0 ? "\"\"" : value)}{(isSet ? "" : "  (default)")}");
        return ExitCodes.Ok;
    }
}
