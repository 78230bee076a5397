namespace BitDust.Engine.Network.Relay;

/// <summary>What a node registering with a router says about itself.</summary>
[Flags]
public enum RelayFlags : byte
{
    None = 0,

    /// <summary>The node is a supplier: the router lists it in <c>relay.list</c>, so customers find suppliers behind NAT.</summary>
    Supplier = 1,
}
