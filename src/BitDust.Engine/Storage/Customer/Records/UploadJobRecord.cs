using BitDust.Engine.Storage.Customer.Transfers;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>An upload request as the catalog keeps it, so a restart shows it again and resumes it when unfinished.</summary>
public sealed record UploadJobRecord(string Id, string LocalPath, string RemotePath, TransferState State, DateTimeOffset Started,
    DateTimeOffset? Finished, string? Error);
