using BitDust.Engine.Storage.Protocol;

namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>One fragment the catalog knows of: who was asked to keep it, the SHA-256 of its stored bytes, and its state.</summary>
public sealed record CatalogFragment(FragmentKey Key, string Supplier, byte[]? Hash, FragmentState State);
