using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace BitDust.Engine.Network.Dht;

public sealed partial class DhtNode
{
    /// <summary>Most peers returned for one get_peers, so the answer stays within one packet.</summary>
    private const int MaxPeersPerAnswer = 50;

    /// <summary>Answers a query from another node: the bytes of a KRPC response or error.</summary>
    private byte[] AnswerQuery(KrpcMessage query, IPEndPoint source)
    {
        var arguments = query.Body;
        var reply = new BencodeDictionary { { "id", NodeId.Bytes } };
        switch (query.Method)
        {
            case "ping":
                break;
            case "find_node":
                if (!TryReadId(arguments, "target", out var nodeTarget))
                    return ProtocolError(query, "find_node needs a 20-byte target");
                reply["nodes"] = CompactInfo.EncodeNodes(ClosestContacts(nodeTarget, RoutingTable.BucketSize));
                break;
            case "get_peers":
                if (!TryReadId(arguments, "info_hash", out var infoHash))
                    return ProtocolError(query, "get_peers needs a 20-byte info_hash");
                reply["token"] = _tokens.Issue(source.Address);
                reply["nodes"] = CompactInfo.EncodeNodes(ClosestContacts(infoHash, RoutingTable.BucketSize));
                var peers = _store.GetPeers(infoHash, MaxPeersPerAnswer, Now);
                if (peers.Count > 0)
                    reply["values"] = peers.Select(p => (object)CompactInfo.EncodePeer(p)).ToList();
                break;
            case "announce_peer":
                if (!TryReadId(arguments, "info_hash", out var announced) || !arguments.TryGetBytes("token", out var announceToken))
                    return ProtocolError(query, "announce_peer needs info_hash and token");
                if (!_tokens.IsValid(announceToken, source.Address))
                    return ProtocolError(query, "bad token");
                var impliedPort = arguments.TryGetInteger("implied_port", out var implied) && implied != 0;
                if (!arguments.TryGetInteger("port", out var port) && !impliedPort)
                    return ProtocolError(query, "announce_peer needs a port");
                if (!impliedPort && port is <= 0 or > 65535)
                    return ProtocolError(query, "port out of range");
                _store.AddPeer(announced, new IPEndPoint(source.Address, impliedPort ? source.Port : (int)port), Now);
                break;
            case "get":
                if (!TryReadId(arguments, "target", out var itemTarget))
                    return ProtocolError(query, "get needs a 20-byte target");
                AnswerGet(itemTarget, arguments, source, reply);
                break;
            case "put":
                var stored = AcceptPut(arguments, source);
                if (!stored.IsStored)
                    return KrpcMessage.EncodeError(query.TransactionId, stored.ErrorCode, stored.Message);
                break;
            default:
                return KrpcMessage.EncodeError(query.TransactionId, KrpcErrorCode.MethodUnknown, "Method Unknown");
        }
        return KrpcMessage.EncodeResponse(query.TransactionId, reply);
    }

    private void AnswerGet(NodeId target, BencodeDictionary arguments, IPEndPoint source, BencodeDictionary reply)
    {
        reply["token"] = _tokens.Issue(source.Address);
        reply["nodes"] = CompactInfo.EncodeNodes(ClosestContacts(target, RoutingTable.BucketSize));
        if (_store.GetImmutable(target, Now) is { } immutable && Bencode.TryRead(immutable, out var value, out _))
        {
            reply["v"] = value;
            return;
        }
        if (_store.GetMutable(target, Now) is not { } mutable)
            return;
        reply["seq"] = mutable.Sequence;
        // BEP 44: a requester that already has this sequence number (or newer) gets only the number back.
        if (arguments.TryGetInteger("seq", out var known) && known >= mutable.Sequence)
            return;
        if (!Bencode.TryRead(mutable.EncodedValue, out var mutableValue, out _))
            return;
        reply["k"] = mutable.PublicKey;
        reply["sig"] = mutable.Signature;
        reply["v"] = mutableValue;
    }

    private DhtPutResult AcceptPut(BencodeDictionary arguments, IPEndPoint source)
    {
        if (!arguments.TryGetBytes("token", out var token) || !_tokens.IsValid(token, source.Address))
            return new DhtPutResult(KrpcErrorCode.Protocol, "bad token");
        if (!arguments.TryGetValue("v", out var value))
            return new DhtPutResult(KrpcErrorCode.Protocol, "put needs a value v");
        // The parser only accepts canonical bencode, so re-encoding gives back the exact bytes that were signed.
        var encodedValue = Bencode.Encode(value);
        if (!arguments.TryGetBytes("k", out var publicKey))
            return _store.PutImmutable(encodedValue, Now);
        if (publicKey.Length != DhtSigningKey.PublicKeyLength || !arguments.TryGetBytes("sig", out var signature) ||
            signature.Length != DhtSigningKey.SignatureLength || !arguments.TryGetInteger("seq", out var sequence))
            return new DhtPutResult(KrpcErrorCode.Protocol, "a mutable put needs k (32 bytes), sig (64 bytes) and seq");
        var salt = arguments.TryGetBytes("salt", out var givenSalt) ? givenSalt : [];
        long? compareAndSwap = arguments.TryGetInteger("cas", out var cas) ? cas : null;
        return _store.PutMutable(new DhtMutableItem(publicKey, salt, sequence, encodedValue, signature), compareAndSwap, Now);
    }

    private static bool TryReadId(BencodeDictionary arguments, string key, [NotNullWhen(true)] out NodeId? id)
    {
        id = null;
        return arguments.TryGetBytes(key, out var bytes) && NodeId.TryRead(bytes, out id);
    }

    private static byte[] ProtocolError(KrpcMessage query, string message) =>
        KrpcMessage.EncodeError(query.TransactionId, KrpcErrorCode.Protocol, message);
}
