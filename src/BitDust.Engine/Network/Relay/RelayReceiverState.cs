namespace BitDust.Engine.Network.Relay;

/// <summary>Where a routed node stands, as <c>bitdust states</c> shows proxy-transport.</summary>
public static class RelayReceiverState
{
    /// <summary>Looking for a router that answers (at start, or after the router went away).</summary>
    public const string Connecting = "CONNECTING";

    /// <summary>Routed: registered with a router, whose relay contact is published.</summary>
    public const string Connected = "CONNECTED";

    /// <summary>A router reached this node's tcp:// contact: it needs none, and its identity stays as it is.</summary>
    public const string Direct = "DIRECT";

    /// <summary>No router could be found or used; looking again after a while.</summary>
    public const string NoRouters = "NO_ROUTERS";
}
