namespace BitDust.Fs.Vfs;

/// <summary>One name in a directory listing ("." and ".." are added by the adapter).</summary>
public readonly record struct DirectoryEntry(string Name, NodeAttributes Attributes);
