using System.Threading.Channels;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Storage.Customer.Rebuilding;

/// <summary>
/// Puts back what the family lost. Every block of a readable version whose fragment at some position is missing, bad, or
/// held by a supplier no longer at that position gets it again: any k verified fragments of the block are fetched from the
/// others, the lost payloads are recoded from them with Reed-Solomon (fragments are erasure-coded sealed bytes: nothing is
/// decrypted), checked against the manifest's tags, and put to the position's current supplier, which answers with their
/// hash. A few blocks at a time; each pass that finds work is a transfer of kind rebuild. Positions whose supplier is
/// offline, fired or not hired yet wait for a later pass. <paramref name="rebuilt"/> runs after a pass stored anything
/// (the catalog backup follows the new locations).
/// </summary>
public sealed partial class Rebuilder(CustomerStorage storage, RebuildOptions options, Action? rebuilt = null, ILogger? logger = null)
{
    private const int ProblemsShown = 5;
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<bool> _requests =
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private volatile string _status = "no pass yet";

    /// <summary>What the last pass did, or what is waiting, for <c>bitdust states</c>.</summary>
    public string Status => _status;

    /// <summary>Asks for a pass soon; requests that come during a pass make one more pass after it.</summary>
    public void Request() => _requests.Writer.TryWrite(true);

    /// <summary>Runs a pass now, then on every request and at least every <see cref="RebuildOptions.Interval"/>, until stopped.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // An upload that ended with versions short of some fragment asks for a pass at once.
        storage.RebuildWanted += Request;
        try
        {
            Request();
            while (true)
            {
                await WaitForRequestAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await RebuildAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    _status = $"the last pass failed ({e.Message}); trying again in {options.Interval.TotalSeconds:0} s";
                    LogPassFailed(e);
                }
            }
        }
        finally
        {
            storage.RebuildWanted -= Request;
        }
    }

    private async Task WaitForRequestAsync(CancellationToken cancellationToken)
    {
        using var interval = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        interval.CancelAfter(options.Interval);
        try
        {
            await _requests.Reader.ReadAsync(interval.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval passed without a request: look anyway.
        }
    }

    /// <summary>One pass over the catalog (one at a time); the transfer it ran as, or null when nothing can be rebuilt now.</summary>
    public async Task<Transfer?> RebuildAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PassAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<Transfer?> PassAsync(CancellationToken cancellationToken)
    {
        await PingOfflineAsync(cancellationToken).ConfigureAwait(false);
        var work = new List<(CatalogVersion Version, long Bytes)>();
        var waiting = 0;
        foreach (var version in Candidates())
        {
            if (Plan(version) is not { } plan)
                continue;
            waiting += plan.Waiting;
            if (plan.Blocks.Count > 0)
                work.Add((version, plan.Bytes));
            else
                await FollowStateAsync(version.File, plan.Manifest, cancellationToken).ConfigureAwait(false);
        }
        if (work.Count == 0)
        {
            _status = waiting == 0
                ? "every fragment is where it belongs"
                : $"{waiting} fragments wait for their position's supplier (offline, fired or not hired yet)";
            return null;
        }
        var transfer = new Transfer(Transfer.NewId(), TransferKind.Rebuild, "", "", DateTimeOffset.UtcNow);
        transfer.SetTotals(work.Sum(w => w.Bytes), work.Count);
        storage.Transfers.Add(transfer);
        transfer.MoveTo(TransferState.Running);
        _status = $"rebuilding {transfer.BytesTotal} bytes of fragments of {work.Count} file versions";
        LogPassStarted(transfer.Id, work.Count, transfer.BytesTotal);
        var sender = new FragmentSender(storage.Family, storage.Options.RequestTimeout, storage.Catalog, transfer);
        var paths = storage.Catalog.Files().ToDictionary(f => f.FileId, f => f.RemotePath);
        var problems = new List<string>();
        var lost = 0;
        foreach (var (version, _) in work)
        {
            var path = paths.GetValueOrDefault(version.File.FileId, version.File.ToString());
            var (failed, reasons) = await RebuildVersionAsync(version, path, sender, transfer, cancellationToken).ConfigureAwait(false);
            lost += failed;
            problems.AddRange(reasons);
            transfer.AddFileDone();
        }
        if (transfer.FragmentsSent > 0)
            rebuilt?.Invoke();
        Finish(transfer, lost, problems);
        return transfer;
    }

    private void Finish(Transfer transfer, int lost, List<string> problems)
    {
        if (lost == 0)
        {
            transfer.MoveTo(TransferState.Complete);
            _status = $"rebuilt {transfer.FragmentsSent} fragments";
            LogPassDone(transfer.Id, transfer.FragmentsSent);
            return;
        }
        var error = $"{lost} fragments could not be rebuilt ({transfer.FragmentsSent} were): " +
            string.Join("; ", problems.Take(ProblemsShown)) +
            (problems.Count > ProblemsShown ? $"; and {problems.Count - ProblemsShown} more" : "") +
            $". They are tried again in the next pass (within {options.Interval.TotalSeconds:0} s).";
        transfer.MoveTo(TransferState.Failed, error);
        _status = error;
        LogPassIncomplete(transfer.Id, error);
    }

    /// <summary>
    /// Pings the members last seen offline, so one back is rebuilt onto in this pass (the employer's pings do the same, but
    /// the rebuild does not count on the employer running).
    /// </summary>
    private async Task PingOfflineAsync(CancellationToken cancellationToken)
    {
        var family = storage.Family;
        var timeout = storage.Options.RequestTimeout < PingTimeout ? storage.Options.RequestTimeout : PingTimeout;
        await Task.WhenAll(family.Members.OfType<FamilyMember>().Where(m => m.State == SupplierState.Offline).Select(m =>
            family.AskAsync(m.Position, (client, token) => client.PingAsync(token), timeout, evenIfRecentlyUnreachable: true,
                cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Readable versions with something to repair, except those an unfinished upload job is still sending.</summary>
    private IEnumerable<CatalogVersion> Candidates()
    {
        var catalog = storage.Catalog;
        var uploading = catalog.UploadJobs().Where(j => j.State is not (TransferState.Complete or TransferState.Failed))
            .SelectMany(j => catalog.UploadJobFiles(j.Id)).Select(f => f.File).OfType<FileVersion>().ToHashSet();
        return catalog.VersionsToRebuild().Where(v => !uploading.Contains(v.File));
    }

    [LoggerMessage(EventId = 3700, Level = LogLevel.Information,
        Message = "rebuild {Id} started: {Versions} file versions, {Bytes} bytes of fragments")]
    private partial void LogPassStarted(string id, int versions, long bytes);

    [LoggerMessage(EventId = 3701, Level = LogLevel.Information, Message = "rebuild {Id} done: {Fragments} fragments put back")]
    private partial void LogPassDone(string id, long fragments);

    [LoggerMessage(EventId = 3702, Level = LogLevel.Warning, Message = "rebuild {Id}: {Error}")]
    private partial void LogPassIncomplete(string id, string error);

    [LoggerMessage(EventId = 3703, Level = LogLevel.Error, Message = "a rebuild pass failed")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(EventId = 3704, Level = LogLevel.Warning, Message = "rebuild skips {File}: {Reason}")]
    private partial void LogVersionSkipped(string file, string reason);
}
