namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>Where a transfer is, with the contract's names. Upload jobs store it by name: never rename.</summary>
public enum TransferState
{
    Queued,

    Running,

    /// <summary>Upload: k fragments of every block of every file are stored; the rest are still being sent.</summary>
    Durable,

    /// <summary>
    /// Upload: every fragment was tried (those that failed are recorded missing). Download: every file written and verified.
    /// </summary>
    Complete,

    Failed,
}
