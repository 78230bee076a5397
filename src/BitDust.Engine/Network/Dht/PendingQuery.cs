using System.Net;

namespace BitDust.Engine.Network.Dht;

/// <summary>A query sent and not yet answered: who must answer, and where the answer goes.</summary>
internal sealed record PendingQuery(IPEndPoint To, TaskCompletionSource<KrpcMessage> Completion);
