namespace BitDust.Engine.Network.Transport;

/// <summary>
/// Thrown by a request handler to say no: the peer gets a request error whose text is <see cref="Reason"/> (cut to
/// <see cref="FrameHeader.MaxReasonLength"/> bytes), and sees it as <see cref="PeerRequestException.Reason"/>.
/// </summary>
public sealed class RequestRefusedException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
