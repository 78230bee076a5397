namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>
/// A line of <c>file list</c>: the newest version's size, time and state. The state is the version's, except that a durable or
/// complete version with any fragment missing or bad shows as degraded until the rebuild fixes it.
/// </summary>
public sealed record FileSummary(string RemotePath, long Size, int Versions, DateTimeOffset Modified, string State);
