namespace BitDust.Fs.Vfs;

/// <summary>What a path names.</summary>
public enum NodeKind
{
    File,
    Directory,
    Symlink,
}
