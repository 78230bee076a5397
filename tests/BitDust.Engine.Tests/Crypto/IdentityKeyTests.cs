using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BitDust.Engine.Crypto;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Crypto;

public class IdentityKeyTests
{
    [Fact]
    public void A_signature_verifies_for_its_data_and_key_only()
    {
        using var key = IdentityKey.Generate();
        using var other = IdentityKey.Generate();

        Check.QuickThrowOnFailure(Prop.ForAll(TestData.Bytes(4096), data =>
        {
            var signature = key.Sign(data);
            Assert.Equal(IdentityPublicKey.SignatureSize, signature.Length);
            Assert.True(key.PublicKey.Verify(data, signature));
            Assert.False(other.PublicKey.Verify(data, signature));
            Assert.False(key.PublicKey.Verify([.. data, 0], signature));
        }));
    }

    [Fact]
    public void A_flipped_bit_in_the_signature_or_data_fails_verification()
    {
        using var key = IdentityKey.Generate();
        var data = TestData.Filled(300, 1);
        var signature = key.Sign(data);

        for (var bit = 0; bit < signature.Length * 8; bit += 3)
            Assert.False(key.PublicKey.Verify(data, TestData.FlipBit(signature, bit)));
        Assert.False(key.PublicKey.Verify(TestData.FlipBit(data, 1000), signature));
    }

    [Fact]
    public void Ill_sized_or_DER_signatures_return_false()
    {
        using var key = IdentityKey.Generate();
        using var ecdsa = key.AsECDsa();
        var data = "identity document"u8.ToArray();
        var signature = key.Sign(data);
        var der = ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.False(key.PublicKey.Verify(data, []));
        Assert.False(key.PublicKey.Verify(data, signature.AsSpan(0, 63)));
        Assert.False(key.PublicKey.Verify(data, [.. signature, 0]));
        Assert.False(key.PublicKey.Verify(data, der));
        Assert.False(key.PublicKey.Verify(data, new byte[64]));
        Check.QuickThrowOnFailure(Prop.ForAll(TestData.Bytes(200), garbage => !key.PublicKey.Verify(data, garbage)));
    }

    [Fact]
    public void Pkcs8_export_then_import_keeps_the_key_pair()
    {
        using var key = IdentityKey.Generate();
        using var restored = IdentityKey.ImportPkcs8(key.ExportPkcs8());
        var data = "manifest"u8.ToArray();

        Assert.Equal(key.PublicKey, restored.PublicKey);
        Assert.True(key.PublicKey.Verify(data, restored.Sign(data)));
    }

    [Fact]
    public void Public_key_export_then_import_is_equal_with_the_same_fingerprint()
    {
        using var key = IdentityKey.Generate();
        using var other = IdentityKey.Generate();
        var spki = key.PublicKey.Export();
        var imported = IdentityPublicKey.Import(spki);

        Assert.Equal(key.PublicKey, imported);
        Assert.Equal(key.PublicKey.GetHashCode(), imported.GetHashCode());
        Assert.NotEqual(key.PublicKey, other.PublicKey);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(spki)), imported.Fingerprint);
        Assert.Matches("^[0-9a-f]{64}$", imported.Fingerprint);
        Assert.NotEqual(key.PublicKey.Fingerprint, other.PublicKey.Fingerprint);
    }

    [Fact]
    public void AsECDsa_is_an_independent_copy_that_makes_a_TLS_certificate()
    {
        using var key = IdentityKey.Generate();
        using (var copy = key.AsECDsa())
        {
            var request = new CertificateRequest("CN=bitdust-node", copy, HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
            using var certificateKey = certificate.GetECDsaPublicKey()!;

            Assert.Equal(key.PublicKey, IdentityPublicKey.Import(certificateKey.ExportSubjectPublicKeyInfo()));
        }

        var data = "still usable"u8.ToArray();
        Assert.True(key.PublicKey.Verify(data, key.Sign(data)));
    }

    [Theory]
    [InlineData("P-384")]
    [InlineData("RSA")]
    public void Keys_that_are_not_P256_are_malformed(string kind)
    {
        using AsymmetricAlgorithm other = kind == "RSA" ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<MalformedKeyMaterialException>(() => IdentityKey.ImportPkcs8(other.ExportPkcs8PrivateKey()));
        Assert.Throws<MalformedKeyMaterialException>(() => IdentityPublicKey.Import(other.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void A_P256_public_key_with_explicit_curve_parameters_is_malformed()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var explicitKey = ECDsa.Create(key.ExportExplicitParameters(includePrivateParameters: false));

        Assert.Throws<MalformedKeyMaterialException>(() => IdentityPublicKey.Import(explicitKey.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void A_public_key_with_a_compressed_point_is_not_canonical()
    {
        using var key = IdentityKey.Generate();
        var spki = key.PublicKey.Export();
        var x = spki.AsSpan(spki.Length - 64, 32);
        var yIsOdd = (spki[^1] & 1) == 1;
        byte[] compressed = [.. Convert.FromHexString("3039301306072a8648ce3d020106082a8648ce3d030107032200"), (byte)(yIsOdd ? 3 : 2), .. x];

        Assert.Throws<MalformedKeyMaterialException>(() => IdentityPublicKey.Import(compressed));
    }

    [Fact]
    public void Garbage_truncated_or_extended_pkcs8_is_malformed()
    {
        using var key = IdentityKey.Generate();
        var pkcs8 = key.ExportPkcs8();

        Check.QuickThrowOnFailure(Prop.ForAll(TestData.Mangled(pkcs8, 600), mangled =>
            Assert.Throws<MalformedKeyMaterialException>(() => IdentityKey.ImportPkcs8(mangled))));
        Check.QuickThrowOnFailure(Prop.ForAll(TestData.Bytes(700), garbage =>
            Assert.Throws<MalformedKeyMaterialException>(() => IdentityKey.ImportPkcs8(garbage))));
        Check.QuickThrowOnFailure(Prop.ForAll(Gen.Choose(0, pkcs8.Length * 8 - 1).ToArbitrary(), bit =>
        {
            try
            {
                using var imported = IdentityKey.ImportPkcs8(TestData.FlipBit(pkcs8, bit));
            }
            catch (MalformedKeyMaterialException)
            {
            }
        }));
    }

    [Fact]
    public void Garbage_truncated_or_extended_public_keys_are_malformed()
    {
        using var key = IdentityKey.Generate();
        var spki = key.PublicKey.Export();

        Assert.Throws<MalformedKeyMaterialException>(() => IdentityPublicKey.Import(new byte[IdentityPublicKey.MaxEncodedSize + 1]));
        Check.QuickThrowOnFailure(Prop.ForAll(TestData.Mangled(spki, 600), mangled =>
            Assert.Throws<MalformedKeyMaterialException>(() => IdentityPublicKey.Import(mangled))));
        Check.QuickThrowOnFailure(Prop.ForAll(TestData.Bytes(700), garbage =>
            Assert.Throws<MalformedKeyMaterialException>(() => IdentityPublicKey.Import(garbage))));
        Check.QuickThrowOnFailure(Prop.ForAll(Gen.Choose(0, spki.Length * 8 - 1).ToArbitrary(), bit =>
            Assert.Throws<MalformedKeyMaterialException>(() => IdentityPublicKey.Import(TestData.FlipBit(spki, bit)))));
    }
}
