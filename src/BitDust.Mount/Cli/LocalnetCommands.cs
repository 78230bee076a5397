using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitDust.Engine.Coding;
using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;
using BitDust.Mount.Daemon;
using BitDust.Mount.Localnet;

namespace BitDust.Mount.Cli;

/// <summary><c>bitdust localnet up|status|down</c>: a real network of daemons on loopback, with this node as their customer.</summary>
internal static class LocalnetCommands
{
    public static Command Create()
    {
        var localnet = new Command("localnet",
            "A real network on this machine: a genesis node and N suppliers as daemons, this node their customer.");
        var folder = new Option<string?>("--folder") { Description = "Where the localnet's nodes live (default: $BITDUST_HOME/localnet)" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (progress goes to stderr)." };

        var suppliers = new Option<int?>("--suppliers")
        {
            Description = $"How many suppliers: {string.Join(", ", ErasureScheme.SupplierCounts)} " +
                $"(default {LocalNetwork.DefaultSuppliers})",
        };
        var donated = new Option<string?>("--donated")
        {
            Description = $"Space each supplier donates, e.g. \"2 GB\" (default: {LocalNetwork.DefaultDonated})",
        };
        var up = new Command("up", "Start the localnet (or whatever of it is not running) and make this node its customer.")
        {
            suppliers, donated, folder, json,
        };
        up.SetAction((parse, ct) =>
            UpAsync(parse.GetValue(suppliers), parse.GetValue(donated), parse.GetValue(folder), parse.GetValue(json), ct));
        localnet.Subcommands.Add(up);

        var status = new Command("status", "Each node of the localnet: role, name, pid, alive, ports, services.") { folder, json };
        status.SetAction((parse, ct) => StatusAsync(parse.GetValue(folder), parse.GetValue(json), ct));
        localnet.Subcommands.Add(status);

        var purge = new Option<bool>("--purge") { Description = "Also delete the localnet's folder: its nodes' homes, keys and data." };
        var down = new Command("down", "Stop the genesis node and the suppliers; this node (their customer) keeps running.")
        {
            folder, purge,
        };
        down.SetAction((parse, ct) => DownAsync(parse.GetValue(folder), parse.GetValue(purge), ct));
        localnet.Subcommands.Add(down);
        return localnet;
    }

    private static LocalNetwork Open(string? folder, bool json)
    {
        var home = NodeHome.FromEnvironment();
        return new LocalNetwork(folder ?? LocalNetwork.DefaultFolder(home), home, json ? Console.Error.WriteLine : Console.WriteLine);
    }

    /// <summary>Runs a localnet operation; its errors are printed as they are, a wrong request is exit code 2.</summary>
    private static async Task<int> RunAsync(Func<Task<int>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (LocalnetException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return e.IsUsage ? ExitCodes.Usage : ExitCodes.Failed;
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static Task<int> UpAsync(int? suppliers, string? donated, string? folder, bool json, CancellationToken cancellationToken)
    {
        if (suppliers is { } count && !ErasureScheme.SupplierCounts.Contains(count))
        {
            Console.Error.WriteLine($"error: --suppliers {count}: expected one of {string.Join(", ", ErasureScheme.SupplierCounts)}");
            return Task.FromResult(ExitCodes.Usage);
        }
        if (donated is not null)
        {
            try
            {
                donated = ConfigValues.Normalize(ConfigSchema.Get(ConfigKeys.SupplierDonatedSpace), donated);
            }
            catch (ConfigException e)
            {
                Console.Error.WriteLine($"error: --donated: {e.Message}");
                return Task.FromResult(ExitCodes.Usage);
            }
        }
        var network = Open(folder, json);
        return RunAsync(async () =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var (state, wasUp) = await network.UpAsync(suppliers, donated, cancellationToken).ConfigureAwait(false);
                if (json)
                {
                    Output.Json(JsonSerializer.SerializeToNode(state, LocalnetState.JsonOptions));
                }
                else if (wasUp)
                {
                    Console.WriteLine($"The localnet in {state.Folder} is already up: genesis + {state.Suppliers} suppliers, and this " +
                        $"node (pid {PidFile.ReadLivePid(network.CustomerHome)}) is their customer. `bitdust localnet status` shows them.");
                }
                else
                {
                    Console.WriteLine($"Localnet up in {Units.Seconds(clock.Elapsed)}: genesis + {state.Suppliers} suppliers, and " +
                        $"this node ({network.CustomerHome.Root}) is their customer.");
                    Console.WriteLine("  bitdust localnet status    each node, its ports and services");
                    Console.WriteLine("  bitdust localnet down      stop them (this node keeps running)");
                }
                return ExitCodes.Ok;
            }
            catch (LocalnetException e) when (!e.IsUsage && LocalnetState.Read(network.Folder) is not null)
            {
                Console.Error.WriteLine($"note: what started is recorded in {LocalnetState.PathIn(network.Folder)}; " +
                    "`bitdust localnet up` tries again, `bitdust localnet down` stops it.");
                throw;
            }
        });
    }

    private static Task<int> StatusAsync(string? folder, bool json, CancellationToken cancellationToken)
    {
        var network = Open(folder, json);
        return RunAsync(async () =>
        {
            if (await network.StatusAsync(cancellationToken).ConfigureAwait(false) is not var (state, nodes))
            {
                if (json)
                    Output.Json(new JsonObject { ["up"] = false, ["folder"] = network.Folder });
                else
                    Console.WriteLine($"There is no localnet in {network.Folder} (start one with: bitdust localnet up).");
                return ExitCodes.NotRunning;
            }
            if (json)
                Output.Json(StatusJson(state, nodes));
            else
                WriteStatus(state, nodes);
            return nodes.All(n => n.Alive) ? ExitCodes.Ok : ExitCodes.Failed;
        });
    }

    private static JsonObject StatusJson(LocalnetState state, IReadOnlyList<LocalnetNodeStatus> nodes) => new()
    {
        ["up"] = nodes.All(n => n.Alive),
        ["folder"] = state.Folder,
        ["suppliers"] = state.Suppliers,
        ["donated"] = state.Donated,
        ["created"] = state.Created,
        ["nodes"] = new JsonArray(nodes.Select(n =>
        {
            var node = JsonSerializer.SerializeToNode(n.Node, LocalnetState.JsonOptions)!.AsObject();
            node["pid"] = n.Pid ?? n.Node.Pid;
            node["alive"] = n.Alive;
            node["services"] = n.Services?.DeepClone();
            return (JsonNode?)node;
        }).ToArray()),
    };

    private static void WriteStatus(LocalnetState state, IReadOnlyList<LocalnetNodeStatus> nodes)
    {
        Console.WriteLine($"Localnet in {state.Folder}: genesis + {state.Suppliers} suppliers ({state.Donated} donated each), " +
            $"created {state.Created.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}");
        var table = new TextTable("ROLE", "NAME", "PID", "STATE", "PORTS", "SERVICES");
        foreach (var status in nodes)
        {
            var node = status.Node;
            var pid = (status.Pid ?? node.Pid)?.ToString(CultureInfo.InvariantCulture) ?? "-";
            table.Add(node.Role.ToString().ToLowerInvariant(), node.Name, pid, status.Alive ? "alive" : "stopped", node.Ports.ToString(),
                Services(status));
        }
        table.Write(Console.Out);
        Console.WriteLine($"Homes: {state.Folder}/genesis, {state.Folder}/supplier-N (each logs to logs/bitdust.log); " +
            $"the customer's: {state.Customer?.Home ?? "none yet"}");
    }

    /// <summary>"entangled_dht READY, tcp_connections LISTEN, supplier OFF": the services switched on, and what each is doing.</summary>
    private static string Services(LocalnetNodeStatus status)
    {
        if (!status.Alive)
            return "-";
        if (status.Services is not { } services)
            return "(not answering)";
        return string.Join(", ", services.OfType<JsonNode>()
            .Where(s => s["enabled"]?.GetValue<bool>() == true)
            .Select(s => $"{Units.Text(s["name"]).Replace("service_", "", StringComparison.Ordinal)} " +
                (Units.Text(s["state"]) == "ON" ? Units.Text(s["network_state"]) : "OFF")));
    }

    private static Task<int> DownAsync(string? folder, bool purge, CancellationToken cancellationToken)
    {
        var network = Open(folder, json: false);
        return RunAsync(async () =>
        {
            if (await network.DownAsync(purge, cancellationToken).ConfigureAwait(false) is not var (state, allStopped))
            {
                Console.WriteLine($"There is no localnet in {network.Folder}.");
                return ExitCodes.Ok;
            }
            if (PidFile.ReadLivePid(network.CustomerHome) is { } customer && state.Customer?.Home == network.CustomerHome.Root)
            {
                Console.WriteLine($"This node keeps running (pid {customer}, home {network.CustomerHome.Root}): its suppliers are gone " +
                    "until `bitdust localnet up`; stop it with: bitdust stop");
            }
            if (purge && allStopped && state.Customer is not null)
            {
                Console.WriteLine("Its identity was published on the localnet's identity server, now removed: " +
                    "a new localnet needs a fresh BITDUST_HOME as its customer.");
            }
            return allStopped ? ExitCodes.Ok : ExitCodes.Failed;
        });
    }
}
