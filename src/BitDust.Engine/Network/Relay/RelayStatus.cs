namespace BitDust.Engine.Network.Relay;

/// <summary>The router's one-byte answer to a preamble; anything but <see cref="Ok"/> comes with a reason and a closed socket.</summary>
public enum RelayStatus : byte
{
    /// <summary>The tunnel is open: from the next byte on, the socket is spliced to the other side.</summary>
    Ok = 0,

    /// <summary>No node with that key is registered with this router.</summary>
    NoRoute = 1,

    /// <summary>The router or the route has as many tunnels as it allows.</summary>
    Busy = 2,

    /// <summary>The routed node did not come for its tunnel in time.</summary>
    Timeout = 3,

    /// <summary>The preamble did not parse.</summary>
    BadRequest = 4,

    /// <summary>An ACCEPT whose token no tunnel waits for (never issued, used already, or expired).</summary>
    UnknownToken = 5,

    /// <summary>The routed node refused the tunnel.</summary>
    Refused = 6,
}
