using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Network.Transport;

/// <summary>
/// TLS settings shared by both sides. Certificates are self-signed, so the TLS layer only insists that the peer shows
/// one; who the peer is gets decided afterwards by comparing its key with its identity document, as Syncthing and
/// libp2p do. The validation callback lives in the options only: setting it in the SslStream constructor as well fails
/// the handshake.
/// </summary>
internal static class TransportHandshake
{
    /// <summary>SNI value; peers are told apart by key, never by host name.</summary>
    private const string TargetHost = "bitdust";

    public static SslServerAuthenticationOptions ServerOptions(TransportCredentials credentials) => new()
    {
        ServerCertificateContext = credentials.CertificateContext,
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = RequireCertificate,
    };

    public static SslClientAuthenticationOptions ClientOptions(TransportCredentials credentials) => new()
    {
        TargetHost = TargetHost,
        ClientCertificateContext = credentials.CertificateContext,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = RequireCertificate,
    };

    /// <summary>The identity key in the certificate the peer presented, or null when it is not a P-256 identity key.</summary>
    public static IdentityPublicKey? PresentedKey(SslStream ssl)
    {
        if (ssl.RemoteCertificate is not X509Certificate2 certificate)
            return null;
        try
        {
            return IdentityPublicKey.Import(certificate.PublicKey.ExportSubjectPublicKeyInfo());
        }
        catch (MalformedKeyMaterialException)
        {
            return null;
        }
    }

    private static bool RequireCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null;
}
