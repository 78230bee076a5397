namespace BitDust.Fs.Vfs;

/// <summary>renameat2(2) flags, with Linux's values.</summary>
[Flags]
public enum RenameFlags
{
    None = 0,
    NoReplace = 1,
    Exchange = 2,
}
