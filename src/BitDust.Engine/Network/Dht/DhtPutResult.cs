namespace BitDust.Engine.Network.Dht;

/// <summary>What a storage node answered to a put: stored, or a KRPC error code and message.</summary>
public readonly record struct DhtPutResult(int ErrorCode, string Message)
{
    public static readonly DhtPutResult Stored = new(0, "");

    public bool IsStored => ErrorCode == 0;
}
