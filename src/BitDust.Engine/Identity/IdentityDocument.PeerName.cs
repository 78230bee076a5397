namespace BitDust.Engine.Identity;

public sealed partial class IdentityDocument
{
    /// <summary>
    /// How the owner names itself to peers in its transport hello: its identity URL on its first server, which any node can
    /// fetch, or its bare name when it lives on no server.
    /// </summary>
    public string PeerName => Servers.Count > 0 ? Servers[0].IdentityUrl(Name).ToString() : Name;
}
