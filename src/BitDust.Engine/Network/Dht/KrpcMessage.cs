using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace BitDust.Engine.Network.Dht;

/// <summary>
/// One KRPC message (BEP 5): a query ("y":"q", method "q", arguments "a"), a response ("r") or an error ("e").
/// Queries and responses always carry the sender's 20-byte id.
/// </summary>
public sealed class KrpcMessage
{
    /// <summary>Transaction ids are opaque, but a longer one than this is not from a sane node.</summary>
    public const int MaxTransactionIdLength = 16;

    private const int MaxMethodLength = 32;

    private KrpcMessage(KrpcMessageKind kind, byte[] transactionId, string method, BencodeDictionary body, NodeId? senderId,
        int errorCode, string errorMessage)
    {
        Kind = kind;
        TransactionId = transactionId;
        Method = method;
        Body = body;
        SenderId = senderId;
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
    }

    public KrpcMessageKind Kind { get; }

    public byte[] TransactionId { get; }

    /// <summary>The query method ("ping", "find_node", ...); empty for responses and errors.</summary>
    public string Method { get; }

    /// <summary>The query's "a" or the response's "r"; empty for errors.</summary>
    public BencodeDictionary Body { get; }

    /// <summary>The sender's id; null only for errors, which do not carry one.</summary>
    public NodeId? SenderId { get; }

    public int ErrorCode { get; }

    public string ErrorMessage { get; }

    public static byte[] EncodeQuery(ReadOnlySpan<byte> transactionId, string method, BencodeDictionary arguments) =>
        Bencode.Encode(new BencodeDictionary { { "a", arguments }, { "q", method }, { "t", transactionId.ToArray() }, { "y", "q" } });

    public static byte[] EncodeResponse(ReadOnlySpan<byte> transactionId, BencodeDictionary values) =>
        Bencode.Encode(new BencodeDictionary { { "r", values }, { "t", transactionId.ToArray() }, { "y", "r" } });

    public static byte[] EncodeError(ReadOnlySpan<byte> transactionId, int code, string message) =>
        Bencode.Encode(new BencodeDictionary
        {
            { "e", new List<object> { (long)code, message } }, { "t", transactionId.ToArray() }, { "y", "e" },
        });

    /// <summary>
    /// Parses a datagram. On failure <paramref name="transactionId"/> is still set when the datagram was a
    /// readable dictionary with a transaction id, so the caller can answer a malformed query with a protocol error.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> datagram,
        [NotNullWhen(true)] out KrpcMessage? message,
        [NotNullWhen(false)] out string? error,
        out byte[]? transactionId)
    {
        message = null;
        transactionId = null;
        if (!Bencode.TryRead(datagram, out var root, out error))
            return false;
        if (root is not BencodeDictionary dictionary)
            return Fail("the message is not a dictionary", out error);
        if (!dictionary.TryGetBytes("t", out var t) || t.Length > MaxTransactionIdLength)
            return Fail("the transaction id \"t\" is missing or too long", out error);
        transactionId = t;
        if (!dictionary.TryGetText("y", out var type))
            return Fail("the message type \"y\" is missing", out error);
        switch (type)
        {
            case "q":
                if (!dictionary.TryGetBytes("q", out var methodBytes) || methodBytes.Length is 0 or > MaxMethodLength)
                    return Fail("the query method \"q\" is missing or too long", out error);
                if (!dictionary.TryGetDictionary("a", out var arguments))
                    return Fail("the query arguments \"a\" are missing", out error);
                if (!TryReadSender(arguments, out var querier))
                    return Fail("the query has no 20-byte \"id\"", out error);
                message = new KrpcMessage(KrpcMessageKind.Query, t, Encoding.Latin1.GetString(methodBytes), arguments, querier, 0, "");
                return true;
            case "r":
                if (!dictionary.TryGetDictionary("r", out var values))
                    return Fail("the response values \"r\" are missing", out error);
                if (!TryReadSender(values, out var responder))
                    return Fail("the response has no 20-byte \"id\"", out error);
                message = new KrpcMessage(KrpcMessageKind.Response, t, "", values, responder, 0, "");
                return true;
            case "e":
                if (!dictionary.TryGetList("e", out var details) || details.Count < 2 || details[0] is not long code ||
                    details[1] is not byte[] text)
                    return Fail("the error \"e\" is not [code, message]", out error);
                message = new KrpcMessage(KrpcMessageKind.Error, t, "", new BencodeDictionary(), null, (int)Math.Clamp(code, 0, 999),
                    Encoding.UTF8.GetString(text));
                return true;
            default:
                return Fail($"unknown message type \"{type}\"", out error);
        }
    }

    private static bool TryReadSender(BencodeDictionary body, [NotNullWhen(true)] out NodeId? id)
    {
        id = null;
        return body.TryGetBytes("id", out var bytes) && NodeId.TryRead(bytes, out id);
    }

    private static bool Fail(string reason, out string error)
    {
        error = reason;
        return false;
    }
}
