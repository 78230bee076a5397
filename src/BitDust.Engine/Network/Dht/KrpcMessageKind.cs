namespace BitDust.Engine.Network.Dht;

public enum KrpcMessageKind
{
    Query,
    Response,
    Error,
}
