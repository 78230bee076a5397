using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;

namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>What became of the fragments of one block: how many are stored now, and why the others are not, by position.</summary>
internal sealed record BlockPutResult(int Stored, IReadOnlyDictionary<int, string> Failures);
