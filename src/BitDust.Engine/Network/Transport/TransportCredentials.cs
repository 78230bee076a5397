using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Network.Transport;

/// <summary>
/// What a node shows its peers: its identity name and a self-signed TLS certificate made from its identity key.
/// Made fresh at every start, so no certificate is ever stored.
/// </summary>
public sealed class TransportCredentials : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private TransportCredentials(string identity, IdentityPublicKey publicKey, X509Certificate2 certificate)
    {
        Identity = identity;
        PublicKey = publicKey;
        Certificate = certificate;
        // Offline: a self-signed certificate has no chain to fetch.
        CertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
    }

    public string Identity { get; }

    public IdentityPublicKey PublicKey { get; }

    internal X509Certificate2 Certificate { get; }

    internal SslStreamCertificateContext CertificateContext { get; }

    internal byte[] EncodedIdentity => HelloIdentity.Encode(Identity);

    public static TransportCredentials Create(string identity, IdentityKey key, TransportOptions? options = null, TimeProvider? time = null)
    {
        HelloIdentity.Encode(identity);
        var lifetime = (options ?? TransportOptions.Default).CertificateLifetime;
        var now = (time ?? TimeProvider.System).GetUtcNow();

        using var ecdsa = key.AsECDsa();
        var request = new CertificateRequest($"CN={key.PublicKey.Fingerprint}", ecdsa, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], critical: false));
        // Backdated a little so a peer whose clock runs behind does not see a certificate from the future.
        using var ephemeral = request.CreateSelfSigned(now.AddMinutes(-10), now + lifetime);

        // On Linux SslStream cannot serve a certificate whose key is ephemeral; a PKCS#12 round trip gives it a usable one.
        var pkcs12 = ephemeral.Export(X509ContentType.Pkcs12);
        try
        {
            return new TransportCredentials(identity, key.PublicKey, X509CertificateLoader.LoadPkcs12(pkcs12, password: null));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs12);
        }
    }

    public void Dispose() => Certificate.Dispose();
}
