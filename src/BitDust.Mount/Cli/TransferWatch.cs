using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace BitDust.Mount.Cli;

/// <summary>
/// Follows an upload or a download (GET /file/upload/v1?id= or /file/download/v1?id=, every 200 ms) until it is done or has
/// failed: a progress bar on a terminal, a plain line at most once a second in a pipe, nothing but the final transfer with --json.
/// </summary>
internal static class TransferWatch
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(1);

    /// <summary>Exit code 0 when the transfer reached one of <paramref name="doneStates"/>, 1 when it failed or vanished.</summary>
    public static async Task<int> WaitAsync(ApiClient client, string kind, string id, IReadOnlyCollection<string> doneStates, bool json,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var path = $"/file/{kind}/v1?id={Uri.EscapeDataString(id)}";
        (bool Ok, JsonNode? Answer) last;
        try
        {
            last = !json && IsTerminal()
                ? await WithProgressBarAsync(client, path, doneStates, cancellationToken).ConfigureAwait(false)
                : await PollAsync(client, path, doneStates, json ? null : PlainLine(clock), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"stopped watching; the {kind} goes on in the node: bitdust api GET \"{path}\"");
            return ExitCodes.Failed;
        }
        if (!last.Ok || last.Answer?["result"] is not { } transfer)
            return Output.Failure(last.Answer);

        var state = Units.Text(transfer["state"]);
        if (json)
            Output.Json(transfer);
        if (!doneStates.Contains(state))
        {
            Console.Error.WriteLine($"error: the {kind} of {Units.Text(transfer["remote_path"])} failed: {Units.Text(transfer["error"])}");
            return ExitCodes.Failed;
        }
        if (!json)
        {
            var bytes = Units.Long(transfer["bytes_total"]);
            var files = Units.Long(transfer["files_total"]);
            Console.WriteLine($"{kind} of {Units.Text(transfer["remote_path"])} {state}: {bytes} bytes ({Units.Bytes(bytes)}), " +
                $"{files} file{(files == 1 ? "" : "s")} in {Units.Seconds(clock.Elapsed)}, " +
                Units.MegabytesPerSecond(bytes, clock.Elapsed));
        }
        return ExitCodes.Ok;
    }

    private static bool IsTerminal() => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>
    /// Polls until the transfer is in a done state or failed, calling <paramref name="onProgress"/> after each answer; returns the
    /// last answer, an error when the node no longer knows the transfer (restarted, or a wrong id).
    /// </summary>
    private static async Task<(bool Ok, JsonNode? Answer)> PollAsync(ApiClient client, string path, IReadOnlyCollection<string> doneStates,
        Action<JsonNode>? onProgress, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (ok, answer) = await client.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
            if (!ok || answer?["result"] is not { } transfer)
                return (false, answer);
            onProgress?.Invoke(transfer);
            var state = Units.Text(transfer["state"]);
            if (state == "failed" || doneStates.Contains(state))
                return (true, answer);
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Action<JsonNode> PlainLine(Stopwatch clock)
    {
        TimeSpan? last = null;
        return transfer =>
        {
            if (clock.Elapsed - last < LineInterval)
                return;
            last = clock.Elapsed;
            var done = Units.Long(transfer["bytes_done"]);
            var total = Units.Long(transfer["bytes_total"]);
            var percent = total > 0 ? $" ({100.0 * done / total:0}%)" : "";
            Console.WriteLine($"{transfer["kind"]} {Units.Text(transfer["remote_path"])}: {Units.Text(transfer["state"])}, " +
                $"{Units.Bytes(done)} of {Units.Bytes(total)}{percent}, " +
                $"{Units.Long(transfer["files_done"])}/{Units.Long(transfer["files_total"])} files, " +
                $"{Units.MegabytesPerSecond(done, clock.Elapsed)}");
        };
    }

    private static Task<(bool Ok, JsonNode? Answer)> WithProgressBarAsync(ApiClient client, string path,
        IReadOnlyCollection<string> doneStates, CancellationToken cancellationToken) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                return await PollAsync(client, path, doneStates, transfer =>
                {
                    task.MaxValue = Math.Max(1, Units.Long(transfer["bytes_total"]));
                    task.Value = Units.Long(transfer["bytes_done"]);
                    var files = Units.Long(transfer["files_total"]);
                    task.Description = Markup.Escape(Units.Text(transfer["remote_path"]) +
                        (files > 1 ? $" ({Units.Long(transfer["files_done"])}/{files} files)" : ""));
                }, cancellationToken).ConfigureAwait(false);
            });
}
