using BitDust.Engine.Pipeline;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>A version kept for <paramref name="Holder"/> (a stub's path, or the stub mirror) since <paramref name="Created"/>.</summary>
public sealed record VersionPin(FileVersion File, string Holder, DateTimeOffset Created);
