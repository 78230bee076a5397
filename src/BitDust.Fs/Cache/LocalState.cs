namespace BitDust.Fs.Cache;

/// <summary>Where a local copy of a file stands with the network.</summary>
public enum LocalState
{
    /// <summary>Being written: open for writing, or written and not closed yet.</summary>
    Dirty,

    /// <summary>Closed and queued for upload: its bytes no longer change (a new write goes to a copy).</summary>
    Sealed,

    /// <summary>Durable in the network: k fragments of every block stored; the local copy is only a cache now.</summary>
    Durable,
}
