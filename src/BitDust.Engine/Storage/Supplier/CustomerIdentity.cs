namespace BitDust.Engine.Storage.Supplier;

/// <summary>
/// Who a request comes from, as the TLS handshake proved it: the fingerprint of the customer's identity key, which is what
/// a contract belongs to, and the name it gave (shown, never trusted: another key with the same name is another customer).
/// </summary>
public readonly record struct CustomerIdentity(string KeyFingerprint, string Name)
{
    public override string ToString() => $"{Name} ({KeyFingerprint[..Math.Min(16, KeyFingerprint.Length)]})";
}
