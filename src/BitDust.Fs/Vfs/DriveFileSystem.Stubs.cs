using BitDust.Engine.Storage;
using BitDust.Fs.Cache;

namespace BitDust.Fs.Vfs;

/// <summary>
/// Opening a <c>.f</c> stub inside the drive materializes its original next to it: the version the stub names is read from
/// the suppliers, checked, and becomes a new file of the drive (uploaded like any other). A damaged, foreign or stale stub
/// fails the open with EIO and a log line saying why; a <c>.f</c> file that is not a stub at all opens as it is.
/// </summary>
public sealed partial class DriveFileSystem
{
    private Errno MaterializeNextTo(string path, FileNode stubFile)
    {
        var size = stubFile.Size;
        if (size < Stub.Magic.Length || size > Stub.MaxSize)
            return Errno.Ok;
        var bytes = new byte[size];
        try
        {
            var read = stubFile.Content switch
            {
                LocalContent local => local.Read(bytes, 0),
                RemoteContent remote => FuseThreadWait.For(remote.ReadAsync(bytes, 0, sequential: false, CancellationToken.None)),
                _ => 0,
            };
            if (read < size || !bytes.AsSpan().StartsWith(Stub.Magic))
                return Errno.Ok;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or Engine.Pipeline.BlockUnavailableException)
        {
            Log.Failed(_logger, "read stub", path, e.Message);
            return Errno.EIO;
        }
        if (!Stub.TryRead(bytes, _storage.OwnerKey, out var stub, out var error))
        {
            Log.Failed(_logger, "materialize", path, error);
            return Errno.EIO;
        }
        var target = path[..^Stub.Extension.Length];
        lock (_tree)
        {
            if (Find(target) is not null)
                return Errno.Ok;
        }
        if (_catalog.FindVersion(stub.Manifest.File) is not { Manifest: not null } version)
        {
            Log.Failed(_logger, "materialize", path,
                $"it points at version {stub.Manifest.File.Version} of {stub.Name}, which was deleted from the network");
            return Errno.EIO;
        }
        var copy = LocalContent.Create(_filesFolder, Space);
        var remoteCopy = NewRemote(version);
        try
        {
            FuseThreadWait.For(remoteCopy.CopyToAsync(copy, CancellationToken.None));
        }
        catch (Exception e) when (e is IOException or Engine.Pipeline.BlockUnavailableException or Engine.Pipeline.TamperedBlockException)
        {
            copy.Discard();
            Log.Failed(_logger, "materialize", path, e.Message);
            return Errno.EIO;
        }
        finally
        {
            Retire(remoteCopy);
        }
        FileNode file;
        lock (_tree)
        {
            if (FindParent(target, out var parent, out var name) != Errno.Ok || parent.Children.ContainsKey(name))
            {
                copy.Discard();
                return Errno.Ok;
            }
            file = new FileNode(name, stub.Mode & 0xFFF, stubFile.Uid, stubFile.Gid, stub.Modified, NewInode(), copy) { Parent = parent };
            parent.Children.Add(name, file);
            Interlocked.Add(ref _used, copy.Length);
        }
        copy.Seal();
        QueueUpload(file, copy);
        Log.Materialized(_logger, target);
        return Errno.Ok;
    }
}
