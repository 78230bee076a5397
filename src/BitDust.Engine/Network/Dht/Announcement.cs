namespace BitDust.Engine.Network.Dht;

/// <summary>An announce this node made, kept so the node can renew it.</summary>
internal sealed record Announcement(int Port, DateTimeOffset AnnouncedAt);
