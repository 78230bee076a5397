namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>
/// One block's redundancy: fragments stored of the n it has, the k it needs to be read, and the count from which it is durable
/// (k plus the durable margin).
/// </summary>
public sealed record BlockHealth(long Index, int Healthy, int Total, int Needed, int Durable);
