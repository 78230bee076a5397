using BitDust.Engine.Pipeline;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>One version of a catalog file; <see cref="Manifest"/> (signed, Manifest.Format) is null until it is durable.</summary>
public sealed record CatalogVersion(FileVersion File, long Size, VersionState State, DateTimeOffset Created, byte[]? Manifest);
