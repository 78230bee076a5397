using BitDust.Engine.Crypto;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using BitDust.Fs.Cache;

namespace BitDust.Fs.Vfs;

/// <summary>
/// Building the tree when the drive opens: folders, links and attributes from the catalog's tree, files from their newest
/// readable versions, and — newer than those — the copies a previous run closed and queued, whose upload jobs the storage
/// resumed. Cache files nothing refers to any more (a copy still being written when the process died) are deleted.
/// </summary>
public sealed partial class DriveFileSystem
{
    private const int DefaultFolderMode = 0x1ED; // 0755
    private const int DefaultFileMode = 0x1A4; // 0644

    private void Load()
    {
        // Batches a previous drive filled but never started (it was unmounted or killed) start now, so they can be adopted.
        _storage.ResumeJobs();
        Directory.CreateDirectory(_filesFolder);
        if (Directory.Exists(_blocksFolder))
            Directory.Delete(_blocksFolder, recursive: true);
        Directory.CreateDirectory(_blocksFolder);
        var entries = _catalog.TreeEntries().Where(e => !InTrash(e.Path)).ToDictionary(e => e.Path, StringComparer.Ordinal);
        var files = 0;
        lock (_tree)
        {
            foreach (var entry in entries.Values.Where(e => e.Kind == TreeEntryKind.Folder))
                FolderAt(entry.Path, entries);
            foreach (var entry in entries.Values.Where(e => e.Kind == TreeEntryKind.Symlink))
            {
                var (parent, name) = ParentFor(entry.Path, entries);
                parent.Children.TryAdd(name, new SymlinkNode(name, entry.Target!, entry.Uid, entry.Gid, entry.Modified, NewInode()) { Parent = parent });
            }
            foreach (var file in _catalog.Files().Where(f => !InTrash(f.RemotePath)))
            {
                if (_catalog.LatestReadable(file.FileId) is not { } version)
                    continue;
                PutFile(file.RemotePath, NewRemote(version), entries, version.Created);
                files++;
            }
        }
        var keep = new HashSet<string>(StringComparer.Ordinal);
        var pending = 0;
        var driveJobs = _catalog.UploadJobs().Where(j => j.LocalPath == UploadQueue.JobLabel).OrderBy(j => j.Started).ToList();
        foreach (var job in driveJobs.Where(j => j.State is not (TransferState.Complete or TransferState.Failed)))
        {
            var uploads = new List<QueuedUpload>();
            foreach (var jobFile in _catalog.UploadJobFiles(job.Id))
            {
                keep.Add(jobFile.LocalPath);
                if (InTrash(jobFile.RemotePath))
                    continue;
                if (jobFile.File is { } begun && _catalog.FindVersion(begun) is { Manifest: not null })
                {
                    // Readable: the tree has it from the catalog's versions, unless the resumed job made it readable while the
                    // tree was being built (after the files were read, before this): then it comes in here, or replaces the
                    // older version the tree took.
                    lock (_tree)
                    {
                        var existing = Find(jobFile.RemotePath) as FileNode;
                        if (_catalog.LatestReadable(begun.FileId) is { } readable && existing?.Content switch
                            {
                                null => true,
                                RemoteContent remote => remote.Version.File.Version < readable.File.Version,
                                _ => false,
                            })
                        {
                            PutFile(jobFile.RemotePath, NewRemote(readable), entries, readable.Created);
                            files += existing is null ? 1 : 0;
                        }
                    }
                    continue;
                }
                if (LocalContent.Reopen(jobFile.LocalPath, LocalState.Sealed, Space) is not { } content)
                    continue;
                FileNode node;
                lock (_tree)
                    node = PutFile(jobFile.RemotePath, content, entries, DateTimeOffset.UtcNow);
                uploads.Add(new QueuedUpload(content, version => Durable(node, content, version)));
            }
            pending += uploads.Count;
            if (uploads.Count == 0)
                continue;
            if (_storage.Transfers.Find(job.Id) is { } transfer)
                Queue.Adopt(transfer, uploads);
        }
        pending += RequeueFailed(driveJobs, entries, keep);
        foreach (var orphan in Directory.EnumerateFiles(_filesFolder).Where(f => !keep.Contains(f)))
            File.Delete(orphan);
        Log.Loaded(_logger, files, entries.Values.Count(e => e.Kind == TreeEntryKind.Folder), pending);
    }

    /// <summary>
    /// Copies whose last upload job failed while no drive was there to try again (it was unmounted, or the node died before the
    /// queue's retry): a closed file is never dropped for that. Each copy that is still what was closed goes up again as a new
    /// job; one a later job took up, or whose version became readable (the rebuild finishes it), is left to that. Returns how
    /// many were queued.
    /// </summary>
    private int RequeueFailed(List<UploadJobRecord> driveJobs, Dictionary<string, TreeEntry> entries, HashSet<string> keep)
    {
        // The last job each copy was in: the queue retries a failed copy in a later job.
        var lastJob = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var job in driveJobs)
        {
            foreach (var jobFile in _catalog.UploadJobFiles(job.Id))
                lastJob[jobFile.LocalPath] = job.Id;
        }
        var queued = 0;
        foreach (var job in driveJobs.Where(j => j.State == TransferState.Failed))
        {
            foreach (var jobFile in _catalog.UploadJobFiles(job.Id))
            {
                if (lastJob[jobFile.LocalPath] != job.Id || InTrash(jobFile.RemotePath) || jobFile.Checksum is not { } closed ||
                    jobFile.File is { } begun && _catalog.FindVersion(begun) is { Manifest: not null })
                    continue;
                if (!File.Exists(jobFile.LocalPath) || !ContentHash.OfFile(jobFile.LocalPath).AsSpan().SequenceEqual(closed))
                {
                    Log.FailedCopyTorn(_logger, jobFile.RemotePath);
                    continue;
                }
                if (LocalContent.Reopen(jobFile.LocalPath, LocalState.Sealed, Space) is not { } content)
                    continue;
                keep.Add(jobFile.LocalPath);
                FileNode node;
                lock (_tree)
                    node = PutFile(jobFile.RemotePath, content, entries, DateTimeOffset.UtcNow);
                Queue.Enqueue(content, jobFile.RemotePath, version => Durable(node, content, version), closed);
                Log.FailedCopyRequeued(_logger, jobFile.RemotePath, job.Error ?? "unknown");
                queued++;
            }
        }
        return queued;
    }

    private static bool InTrash(string remotePath) =>
        remotePath == TrashFolder || remotePath.StartsWith(TrashFolder + "/", StringComparison.Ordinal);

    /// <summary>Puts a file at <paramref name="path"/> (replacing the content it had). Caller holds the tree lock.</summary>
    private FileNode PutFile(string path, FileContent content, Dictionary<string, TreeEntry> entries, DateTimeOffset created)
    {
        var (parent, name) = ParentFor(path, entries);
        if (parent.Children.TryGetValue(name, out var existing) && existing is FileNode file)
        {
            Interlocked.Add(ref _used, content.Length - file.Size);
            var old = file.Content;
            file.Content = content;
            Retire(old);
            return file;
        }
        var entry = entries.GetValueOrDefault(path);
        file = new FileNode(name, entry?.Mode ?? DefaultFileMode, entry?.Uid ?? 0, entry?.Gid ?? 0, entry?.Modified ?? created, NewInode(),
            content) { Parent = parent };
        parent.Children[name] = file;
        Interlocked.Add(ref _used, content.Length);
        return file;
    }

    private (DirectoryNode Parent, string Name) ParentFor(string path, Dictionary<string, TreeEntry> entries)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? (_root, path) : (FolderAt(path[..slash], entries), path[(slash + 1)..]);
    }

    /// <summary>The folder at <paramref name="path"/>, made (with its tree entry's attributes, if any) when missing.</summary>
    private DirectoryNode FolderAt(string path, Dictionary<string, TreeEntry> entries)
    {
        var (parent, name) = ParentFor(path, entries);
        if (parent.Children.TryGetValue(name, out var existing) && existing is DirectoryNode folder)
            return folder;
        var entry = entries.GetValueOrDefault(path);
        folder = new DirectoryNode(name, entry?.Mode ?? DefaultFolderMode, entry?.Uid ?? 0, entry?.Gid ?? 0,
            entry?.Modified ?? DateTimeOffset.UtcNow, NewInode()) { Parent = parent };
        parent.Children[name] = folder;
        return folder;
    }
}
