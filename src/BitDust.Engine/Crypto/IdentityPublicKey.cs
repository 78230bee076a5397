using System.Security.Cryptography;

namespace BitDust.Engine.Crypto;

/// <summary>
/// The public half of an <see cref="IdentityKey"/>: ECDSA P-256, exchanged as SubjectPublicKeyInfo DER.
/// Immutable and thread-safe. Only the canonical encoding is accepted, so one key has exactly one
/// encoding and one fingerprint; two keys are equal when their encodings are.
/// </summary>
public sealed class IdentityPublicKey : IEquatable<IdentityPublicKey>
{
    /// <summary>An uncompressed P-256 SPKI is 91 bytes; the bound keeps hostile input cheap to reject.</summary>
    public const int MaxEncodedSize = 512;
    public const int SignatureSize = 64;

    /// <summary>The size of <see cref="FingerprintBytes"/>: a SHA-256.</summary>
    public const int FingerprintSize = 32;

    private readonly byte[] _spki;
    private readonly byte[] _fingerprint;

    private IdentityPublicKey(byte[] spki)
    {
        _spki = spki;
        _fingerprint = SHA256.HashData(spki);
        Fingerprint = Convert.ToHexStringLower(_fingerprint);
    }

    /// <summary>Lowercase hex SHA-256 of the SPKI encoding.</summary>
    public string Fingerprint { get; }

    /// <summary>The SHA-256 of the SPKI encoding as bytes, the form wire formats carry (a relay's CONNECT).</summary>
    public ReadOnlySpan<byte> FingerprintBytes => _fingerprint;

    /// <summary>Reads a P-256 SubjectPublicKeyInfo in the canonical form <see cref="Export"/> writes (DER, uncompressed point).</summary>
    public static IdentityPublicKey Import(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        if (subjectPublicKeyInfo.IsEmpty || subjectPublicKeyInfo.Length > MaxEncodedSize)
        {
            throw new MalformedKeyMaterialException(
                $"An identity public key is 1 to {MaxEncodedSize} bytes, not {subjectPublicKeyInfo.Length}. Fetch the identity document again.");
        }

        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        }
        // An unknown curve OID surfaces as PlatformNotSupportedException, not CryptographicException.
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            throw new MalformedKeyMaterialException(
                "An identity public key is not a valid SubjectPublicKeyInfo. Fetch the identity document again.", e);
        }
        // Bytes after the end, a compressed point or a non-DER length all fail this comparison.
        var key = FromKey(ecdsa);
        if (!subjectPublicKeyInfo.SequenceEqual(key._spki))
        {
            throw new MalformedKeyMaterialException(
                "An identity public key is not in canonical form (DER, named curve, uncompressed point). Fetch the identity document again.");
        }
        return key;
    }

    /// <summary>The SubjectPublicKeyInfo DER encoding.</summary>
    public byte[] Export() => (byte[])_spki.Clone();

    /// <summary>
    /// Checks an IEEE P1363 (r || s, 64 bytes) ECDSA signature over SHA-256 of <paramref name="data"/>.
    /// Returns false, never throws, for a wrong or ill-sized signature.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize)
            return false;
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_spki, out _);
        return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public bool Equals(IdentityPublicKey? other) => other is not null && _spki.AsSpan().SequenceEqual(other._spki);

    public override bool Equals(object? obj) => Equals(obj as IdentityPublicKey);

    public override int GetHashCode() => BitConverter.ToInt32(_spki, _spki.Length - sizeof(int));

    public override string ToString() => Fingerprint;

    /// <summary>The public key of <paramref name="key"/>, which must be P-256 with a named curve.</summary>
    internal static IdentityPublicKey FromKey(ECDsa key)
    {
        ECParameters parameters;
        try
        {
            parameters = key.ExportParameters(includePrivateParameters: false);
        }
        catch (CryptographicException e)
        {
            throw new MalformedKeyMaterialException("An identity key is not an elliptic-curve key BitDust can use. Generate a new identity.", e);
        }
        var curve = parameters.Curve;
        if (!curve.IsNamed || curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            var name = curve.IsNamed ? curve.Oid.FriendlyName ?? curve.Oid.Value : "with explicit parameters";
            throw new MalformedKeyMaterialException(
                $"An identity key is on curve {name}, not P-256. BitDust identities are ECDSA P-256; generate a new identity.");
        }
        return new IdentityPublicKey(key.ExportSubjectPublicKeyInfo());
    }
}
