using System.Security.Cryptography;

namespace BitDust.Engine.Crypto;

/// <summary>
/// The node's identity key pair: ECDSA P-256, so TLS certificates can be made from it
/// (<see cref="AsECDsa"/> with CertificateRequest). It signs identity documents, manifests and stubs.
/// </summary>
public sealed class IdentityKey : IDisposable
{
    /// <summary>A P-256 PKCS#8 is about 140 bytes; the bound keeps hostile input cheap to reject.</summary>
    public const int MaxEncodedSize = 512;

    private readonly ECDsa _ecdsa;

    private IdentityKey(ECDsa ecdsa)
    {
        _ecdsa = ecdsa;
        PublicKey = IdentityPublicKey.FromKey(ecdsa);
    }

    public IdentityPublicKey PublicKey { get; }

    public static IdentityKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads an unencrypted P-256 PKCS#8 private key (DER, nothing after it).</summary>
    public static IdentityKey ImportPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        if (pkcs8.IsEmpty || pkcs8.Length > MaxEncodedSize)
        {
            throw new MalformedKeyMaterialException(
                $"An identity private key is 1 to {MaxEncodedSize} bytes, not {pkcs8.Length}. Restore it from the key backup.");
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out var bytesRead);
            if (bytesRead != pkcs8.Length)
                throw new MalformedKeyMaterialException("An identity private key has bytes after its end. Restore it from the key backup.");
            return new IdentityKey(ecdsa);
        }
        // An unknown curve OID surfaces as PlatformNotSupportedException, not CryptographicException.
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            ecdsa.Dispose();
            throw new MalformedKeyMaterialException("An identity private key is not a valid PKCS#8 EC key. Restore it from the key backup.", e);
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }

    /// <summary>The private key as unencrypted PKCS#8 DER. Secret: wipe it after use.</summary>
    public byte[] ExportPkcs8() => _ecdsa.ExportPkcs8PrivateKey();

    /// <summary>An IEEE P1363 (r || s, 64 bytes) ECDSA signature over SHA-256 of <paramref name="data"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>An independent copy of the key pair, for certificate creation; the caller disposes it.</summary>
    public ECDsa AsECDsa()
    {
        var parameters = _ecdsa.ExportParameters(includePrivateParameters: true);
        try
        {
            return ECDsa.Create(parameters);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    public void Dispose() => _ecdsa.Dispose();
}
