namespace BitDust.Engine.Network.Dht;

/// <summary>BEP 5 node states, which decide who may be replaced when a bucket is full.</summary>
public enum ContactLiveness
{
    /// <summary>Answered one of our queries, and was heard from in the last 15 minutes.</summary>
    Good,

    /// <summary>Silent for 15 minutes, or never answered us: worth a ping before it is trusted or dropped.</summary>
    Questionable,

    /// <summary>Failed several queries in a row: the first to be replaced.</summary>
    Bad,
}
