using System.Globalization;
using System.Text;
using BitDust.Fs.Cache;

namespace BitDust.Fs.Vfs;

/// <summary>
/// Extended attributes that say where each file stands: <c>user.bitdust.state</c> is <c>pending</c> (closed, not durable
/// yet), <c>cached</c> (durable, and whole in the local cache) or <c>durable</c> (in the network only);
/// <c>user.bitdust.pending</c> the bytes still to upload; <c>user.bitdust.fragments</c> how many fragments of the file's
/// weakest block are reachable (stored on a supplier that holds its position and answered when last asked), of how many
/// ("5/7"); <c>user.bitdust.durable-at</c> how many fragments of every block make it durable, of how many ("6/7": k plus
/// the durable margin; <c>pending</c> lasts until then). They are read-only.
/// </summary>
public sealed partial class DriveFileSystem
{
    public const string StateAttribute = "user.bitdust.state";
    public const string PendingAttribute = "user.bitdust.pending";
    public const string FragmentsAttribute = "user.bitdust.fragments";
    public const string DurableAtAttribute = "user.bitdust.durable-at";

    private static readonly string[] AttributeNames = [StateAttribute, PendingAttribute, FragmentsAttribute, DurableAtAttribute];

    public Errno GetExtendedAttribute(string path, string name, Span<byte> value, out int size)
    {
        size = 0;
        FileNode file;
        lock (_tree)
        {
            switch (Find(path))
            {
                case null:
                    return Errno.ENOENT;
                case FileNode found:
                    file = found;
                    break;
                default:
                    return Errno.ENODATA;
            }
        }
        var text = name switch
        {
            StateAttribute => StateOf(file),
            PendingAttribute => PendingBytesOf(file).ToString(CultureInfo.InvariantCulture),
            FragmentsAttribute => FragmentsOf(file),
            DurableAtAttribute => $"{_storage.Family.Scheme.DurableCount(_storage.Options.DurableMargin)}/{_storage.Family.Scheme.Total}",
            _ => null,
        };
        if (text is null)
            return Errno.ENODATA;
        var bytes = Encoding.UTF8.GetBytes(text);
        size = bytes.Length;
        if (value.Length == 0)
            return Errno.Ok;
        if (value.Length < bytes.Length)
            return Errno.ERANGE;
        bytes.CopyTo(value);
        return Errno.Ok;
    }

    public Errno ListExtendedAttributes(string path, List<string> names)
    {
        lock (_tree)
        {
            switch (Find(path))
            {
                case null:
                    return Errno.ENOENT;
                case FileNode:
                    names.AddRange(AttributeNames);
                    break;
            }
        }
        return Errno.Ok;
    }

    public Errno SetExtendedAttribute(string path, string name, ReadOnlySpan<byte> value, int flags) =>
        AttributeNames.Contains(name) ? Errno.EPERM : Errno.ENOTSUP;

    public Errno RemoveExtendedAttribute(string path, string name) =>
        AttributeNames.Contains(name) ? Errno.EPERM : Errno.ENOTSUP;

    private static string StateOf(FileNode file) => file.Content switch
    {
        LocalContent { State: LocalState.Durable } => "cached",
        LocalContent => "pending",
        RemoteContent { FullyCached: true } => "cached",
        _ => "durable",
    };

    private static long PendingBytesOf(FileNode file) =>
        file.Content is LocalContent { State: not LocalState.Durable } local ? local.Length : 0;

    private string FragmentsOf(FileNode file)
    {
        var version = file.Content switch
        {
            LocalContent { Version: { } durable } => durable,
            RemoteContent remote => remote.Version,
            _ => null,
        };
        if (version is null || _catalog.FindVersion(version.File) is not { } current)
            return "0";
        var health = _storage.Health(current, reachableOnly: true);
        if (health.Blocks.Count == 0)
            return "0";
        var weakest = health.Blocks.MinBy(b => b.Healthy)!;
        return $"{weakest.Healthy}/{weakest.Total}";
    }
}
