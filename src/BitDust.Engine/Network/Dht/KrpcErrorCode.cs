namespace BitDust.Engine.Network.Dht;

/// <summary>KRPC error codes: BEP 5 (201-204) and BEP 44 (205-207, 301, 302).</summary>
public static class KrpcErrorCode
{
    public const int Generic = 201;
    public const int Server = 202;
    public const int Protocol = 203;
    public const int MethodUnknown = 204;
    public const int MessageTooBig = 205;
    public const int InvalidSignature = 206;
    public const int SaltTooBig = 207;
    public const int CasMismatch = 301;
    public const int SequenceTooLow = 302;
}
