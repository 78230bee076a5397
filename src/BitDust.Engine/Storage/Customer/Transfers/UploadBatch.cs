namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>An upload job being filled (see <see cref="CustomerStorage.BeginBatch"/>).</summary>
public sealed class UploadBatch(string id, string label)
{
    public string Id { get; } = id;

    public string Label { get; } = label;

    public int Count { get; private set; }

    public long Bytes { get; private set; }

    public bool Started { get; internal set; }

    internal DateTimeOffset QueuedAt { get; set; }

    internal void Added(long size)
    {
        Count++;
        Bytes += size;
    }
}
