using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;
using BitDust.Mount.Daemon;
using BitDust.Mount.Localnet;
using Spectre.Console;

namespace BitDust.Mount.Cli;

/// <summary>
/// <c>bitdust mount MOUNTPOINT</c> (what <c>bitdust-mount</c> runs): starts this node if it is not running — and, when no
/// network is configured, a local network of suppliers for it, saying so — then mounts the drive in the node. With
/// <c>--unmount</c> it waits (with progress) until every closed file is durable and unmounts; <c>--force</c> unmounts at once.
/// </summary>
internal static class MountCommand
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    public static Command Create()
    {
        var mountPoint = new Argument<string>("MOUNTPOINT") { Description = "The folder to mount the drive on (made if missing)." };
        var cacheSize = new Option<string?>("--cache-size")
        {
            Description = "Local cache for written files (until uploaded) and read blocks, e.g. \"2 GB\" (default: services/drive/cache-size)",
        };
        var foreground = new Option<bool>("--foreground")
        {
            Description = "Stay attached: show the upload queue, and on Ctrl-C flush and unmount.",
        };
        var readOnly = new Option<bool>("--read-only") { Description = "Mount read-only." };
        var unmount = new Option<bool>("--unmount") { Description = "Unmount MOUNTPOINT once every closed file is durable in the network." };
        var force = new Option<bool>("--force") { Description = "With --unmount: unmount at once; pending uploads go on in the node." };
        var dropCache = new Option<bool>("--drop-cache")
        {
            Description = "Free the cache's disk: let go of copies already complete in the network and of blocks read (files still " +
                "uploading stay); the drive stays mounted and reads them from the network again.",
        };
        var json = new Option<bool>("--json") { Description = "Print the drive's status as JSON." };
        var command = new Command("mount", """
            Mount the network as a drive (bitdust-mount). Files copied in are uploaded in the background; open .f stubs to get
            originals back. With no network configured, a local network of suppliers is started on this machine.
            """)
        {
            mountPoint, cacheSize, foreground, readOnly, unmount, force, dropCache, json,
        };
        command.SetAction((parse, ct) =>
        {
            var point = Path.GetFullPath(parse.GetValue(mountPoint)!);
            if (!OperatingSystem.IsLinux())
            {
                Console.Error.WriteLine("error: bitdust-mount is supported on Linux only for now (Windows needs a WinFsp adapter, not built yet)");
                return Task.FromResult(ExitCodes.Failed);
            }
            if (parse.GetValue(dropCache))
            {
                if (parse.GetValue(unmount) || parse.GetValue(force) || parse.GetValue(foreground) || parse.GetValue(readOnly) ||
                    parse.GetValue(cacheSize) is not null)
                {
                    Console.Error.WriteLine("error: --drop-cache goes alone (with --json at most), on a mounted drive");
                    return Task.FromResult(ExitCodes.Usage);
                }
                return DropCacheAsync(parse.GetValue(json), ct);
            }
            if (parse.GetValue(unmount))
                return UnmountAsync(parse.GetValue(force), parse.GetValue(json), ct);
            if (parse.GetValue(force))
            {
                Console.Error.WriteLine("error: --force goes with --unmount");
                return Task.FromResult(ExitCodes.Usage);
            }
            return MountAsync(point, parse.GetValue(cacheSize), parse.GetValue(readOnly), parse.GetValue(foreground), parse.GetValue(json), ct);
        });
        return command;
    }

    private static async Task<int> MountAsync(string mountPoint, string? cacheSize, bool readOnly, bool foreground, bool json,
        CancellationToken cancellationToken)
    {
        if (cacheSize is not null)
        {
            try
            {
                cacheSize = ConfigValues.Normalize(ConfigSchema.Get(ConfigKeys.DriveCacheSize), cacheSize);
            }
            catch (ConfigException e)
            {
                Console.Error.WriteLine($"error: --cache-size: {e.Message}");
                return ExitCodes.Usage;
            }
        }
        var home = NodeHome.FromEnvironment();
        var say = json ? (Action<string>)Console.Error.WriteLine : Console.WriteLine;
        try
        {
            await StartNodeAsync(home, say, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LocalnetException or ConfigException or InvalidOperationException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
        using var client = new ApiClient(home);
        var body = new JsonObject { ["mount_point"] = mountPoint, ["read_only"] = readOnly };
        if (cacheSize is not null)
            body["cache_size"] = cacheSize;
        var clock = Stopwatch.StartNew();
        string? waitingFor = null;
        while (true)
        {
            var (status, ok, answer) = await client.CallAsync(HttpMethod.Post, "/drive/mount/v1", body.ToJsonString(), cancellationToken)
                .ConfigureAwait(false);
            if (ok)
                break;
            var reason = answer?["errors"]?[0]?.ToString() ?? status.ToString();
            // The customer hiring its suppliers is worth waiting for; anything else is an answer.
            if (status != HttpStatusCode.Conflict || !reason.Contains("customer service", StringComparison.Ordinal) ||
                clock.Elapsed > ReadyTimeout)
                return Output.Failure(status, answer);
            if (reason != waitingFor)
                say($"waiting: {reason}");
            waitingFor = reason;
            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        }
        if (json)
        {
            Output.Json((await client.CallAsync(HttpMethod.Get, "/drive/status/v1", null, cancellationToken).ConfigureAwait(false)).Answer?["result"]);
        }
        else
        {
            var local = File.Exists(LocalnetState.PathIn(LocalNetwork.DefaultFolder(home)));
            Console.WriteLine($"The drive is mounted at {mountPoint}{(readOnly ? " (read-only)" : "")}.");
            Tour([
                ($"cp -r ~/Documents {mountPoint}/", "files land in the local cache at disk speed and upload in the background"),
                ($"ls -l {mountPoint}", "every file of this identity, on any machine its identity backup is recovered on"),
                ($"getfattr -d {mountPoint}/FILE", "pending, durable or cached, and how many fragments are reachable"),
                ($"ls {home.Stubs}", "a .f stub of every file: bitdust materialize FILE.f brings it back without the drive"),
                ("bitdust status", "identity, suppliers and their health, space, uploads"),
            ]);
            Console.WriteLine("To stop:");
            Tour([
                ($"bitdust-mount --unmount {mountPoint}", "waits until every file is durable, with progress"),
                local
                    ? ("bitdust localnet down; bitdust stop", "the suppliers on this machine, then this node")
                    : ("bitdust stop", "this node"),
            ]);
        }
        return foreground ? await StayAsync(client, cancellationToken).ConfigureAwait(false) : ExitCodes.Ok;
    }

    /// <summary>Commands with what each does, in two aligned columns.</summary>
    private static void Tour(IReadOnlyList<(string Command, string What)> lines)
    {
        var width = lines.Max(l => l.Command.Length) + 3;
        foreach (var (command, what) in lines)
            Console.WriteLine($"  {command.PadRight(width)}{what}");
    }

    /// <summary>Starts this node when it is not running; with no network configured, brings up a localnet for it first.</summary>
    private static async Task StartNodeAsync(NodeHome home, Action<string> say, CancellationToken cancellationToken)
    {
        var config = NodeConfig.Load(home);
        if (!config.GetBoolean(ConfigKeys.CustomerEnabled))
        {
            say("No network is configured for this node: starting a local network of suppliers on this machine (bitdust localnet).");
            var network = new LocalNetwork(LocalNetwork.DefaultFolder(home), home, say);
            var (state, _) = await network.UpAsync(null, null, cancellationToken).ConfigureAwait(false);
            say($"Local network up: genesis + {state.Suppliers} suppliers in {state.Folder} (bitdust localnet status; bitdust localnet down).");
            return;
        }
        using var client = new ApiClient(home);
        if (PidFile.ReadLivePid(home) is not null && await client.IsHealthyAsync(cancellationToken).ConfigureAwait(false))
            return;
        say($"Starting the node in {home.Root}");
        if (await DaemonLauncher.StartAsync(home, DaemonLauncher.StartTimeout, cancellationToken).ConfigureAwait(false) is null)
            throw new InvalidOperationException($"the node in {home.Root} did not start; its log ends with:\n" +
                string.Join('\n', DaemonLauncher.LogTail(home)));
    }

    /// <summary>--foreground: shows the queue until Ctrl-C, then flushes and unmounts.</summary>
    private static async Task<int> StayAsync(ApiClient client, CancellationToken cancellationToken)
    {
        Console.WriteLine("Staying attached; Ctrl-C flushes the uploads and unmounts.");
        try
        {
            while (true)
            {
                var status = (await client.CallAsync(HttpMethod.Get, "/drive/status/v1", null, cancellationToken).ConfigureAwait(false)).Answer?["result"];
                if (status?["state"]?.ToString() is not ("MOUNTED" or "FLUSHING"))
                {
                    Console.WriteLine("The drive was unmounted.");
                    return ExitCodes.Ok;
                }
                await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine();
            return await UnmountAsync(force: false, json: false, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static Task<int> DropCacheAsync(bool json, CancellationToken cancellationToken) => ApiCall.RunAsync(async client =>
    {
        var (status, ok, answer) = await client.CallAsync(HttpMethod.Post, "/drive/cache/drop/v1", "{}", cancellationToken)
            .ConfigureAwait(false);
        if (!ok)
            return Output.Failure(status, answer);
        var result = answer?["result"];
        if (json)
        {
            Output.Json(result);
            return ExitCodes.Ok;
        }
        var drive = result?["status"];
        var pending = Units.Long(drive?["pending_files"]);
        Console.WriteLine($"Let go of {Units.Bytes(Units.Long(result?["dropped_bytes"]))} of the cache; it holds " +
            $"{Units.Bytes(Units.Long(drive?["cache_used"]))} now" +
            (pending > 0 ? $" ({pending} files still uploading stay until they are complete in the network)." : "."));
        return ExitCodes.Ok;
    });

    private static Task<int> UnmountAsync(bool force, bool json, CancellationToken cancellationToken) => ApiCall.RunAsync(async client =>
    {
        var body = new JsonObject { ["force"] = force };
        var (status, ok, answer) = await client.CallAsync(HttpMethod.Post, "/drive/unmount/v1", body.ToJsonString(), cancellationToken)
            .ConfigureAwait(false);
        if (!ok)
            return Output.Failure(status, answer);
        var result = answer?["result"];
        if (force)
        {
            var pending = result?["pending"]?.AsArray().Select(p => p?.ToString()).ToList() ?? [];
            if (json)
            {
                Output.Json(result);
            }
            else
            {
                Console.WriteLine($"Unmounted at once. {pending.Count} files were not durable yet; the node goes on uploading them " +
                    "(and resumes after a restart):");
                foreach (var path in pending)
                    Console.WriteLine($"  {path}");
            }
            return ExitCodes.Ok;
        }
        var total = Math.Max(1, result?["pending_bytes"]?.GetValue<long>() ?? 0);
        var interactive = !json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        JsonNode? last = null;
        async Task PollAsync(Action<long, int>? progress)
        {
            // Asked often, so the unmount returns as soon as it is done; without a terminal a line every 2 s is enough.
            var printed = Stopwatch.StartNew();
            while (true)
            {
                last = (await client.CallAsync(HttpMethod.Get, "/drive/status/v1", null, cancellationToken).ConfigureAwait(false)).Answer?["result"];
                var left = last?["pending_bytes"]?.GetValue<long>() ?? 0;
                var open = last?["open_for_writing"]?.AsArray().Count ?? 0;
                progress?.Invoke(left, open);
                if (last?["state"]?.ToString() is not ("MOUNTED" or "FLUSHING"))
                    return;
                if (!interactive && !json && printed.Elapsed >= TimeSpan.FromSeconds(2))
                {
                    Console.WriteLine((open > 0
                        ? $"waiting for {open} files still open for writing ({last?["open_for_writing"]?[0]}...), " +
                          $"then {Units.Bytes(left)} to upload"
                        : $"flushing: {last?["pending_files"]} files, {Units.Bytes(left)} left") + Retrying(last));
                    printed.Restart();
                }
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
        if (interactive)
        {
            await AnsiConsole.Progress().StartAsync(async context =>
            {
                var task = context.AddTask("uploading before unmount", maxValue: total);
                await PollAsync((left, open) =>
                {
                    // Files still being written join the upload when closed: the bar grows with them.
                    task.MaxValue = Math.Max(task.MaxValue, task.Value + left);
                    task.Value = task.MaxValue - left;
                    var doing = open > 0 ? $"waiting for {open} files open for writing" : "uploading before unmount";
                    task.Description = Markup.Escape(doing + Retrying(last));
                }).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        }
        else
        {
            await PollAsync(null).ConfigureAwait(false);
        }
        if (json)
            Output.Json(last);
        else
            Console.WriteLine("Unmounted: every file closed in the drive is durable in the network.");
        return ExitCodes.Ok;
    });

    /// <summary>
    /// Why the last upload failed while its files wait to be tried again, so a flush that does not end says why; cut to fit a
    /// line, as a reason may name every supplier (bitdust status shows all of it).
    /// </summary>
    private static string Retrying(JsonNode? status)
    {
        if (status?["last_error"] is not { } error)
            return "";
        var reason = Units.Text(error);
        return "; the last upload failed, trying again: " +
            (reason.Length <= 120 ? reason : reason[..120] + "... (bitdust status shows all)");
    }
}
