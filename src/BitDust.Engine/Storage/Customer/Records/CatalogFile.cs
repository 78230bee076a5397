namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>A file of the catalog: its remote path and the random id every version of it shares.</summary>
public sealed record CatalogFile(Guid FileId, string RemotePath, DateTimeOffset Created);
