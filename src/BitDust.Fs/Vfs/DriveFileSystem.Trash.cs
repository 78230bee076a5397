using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;

namespace BitDust.Fs.Vfs;

/// <summary>
/// Deleted files wait under <see cref="TrashFolder"/> in the catalog until no upload of theirs is running, then their
/// versions are deleted from the suppliers. The catalog keeps them there across restarts, so a crash loses no deletion.
/// </summary>
public sealed partial class DriveFileSystem
{
    private readonly SemaphoreSlim _sweep = new(0);
    private readonly CancellationTokenSource _sweeperStop = new();
    private Task? _sweeper;

    private void StartSweeper() => _sweeper = Task.Run(SweepLoopAsync);

    private void WakeSweeper()
    {
        if (_sweep.CurrentCount == 0)
            _sweep.Release();
    }

    private async Task SweepLoopAsync()
    {
        var stop = _sweeperStop.Token;
        try
        {
            while (true)
            {
                await SweepAsync(stop).ConfigureAwait(false);
                await _sweep.WaitAsync(TimeSpan.FromSeconds(5), stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (var file in _catalog.FilesUnder(TrashFolder))
        {
            if (_catalog.Versions(file.FileId).Any(v => v.State == VersionState.Uploading) && UploadsRunning())
                continue;
            try
            {
                await _storage.DeleteAsync(file.RemotePath, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.SweepFailed(_logger, file.RemotePath, e.Message);
            }
        }
    }

    private bool UploadsRunning() =>
        _storage.Transfers.List().Any(t => t.Kind == TransferKind.Upload && t.State is TransferState.Queued or TransferState.Running);

    private async Task StopSweeperAsync()
    {
        if (_sweeperStop.IsCancellationRequested)
            return;
        await _sweeperStop.CancelAsync().ConfigureAwait(false);
        if (_sweeper is not null)
            await _sweeper.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
