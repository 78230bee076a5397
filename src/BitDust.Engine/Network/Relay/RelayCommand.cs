namespace BitDust.Engine.Network.Relay;

/// <summary>What a raw connection to a router asks for, in the byte after the preamble's version.</summary>
public enum RelayCommand : byte
{
    /// <summary>A dialer asks for a tunnel to the node whose key fingerprint follows.</summary>
    Connect = 1,

    /// <summary>A routed node answers a <c>relay.incoming</c> with the tunnel token that follows.</summary>
    Accept = 2,
}
