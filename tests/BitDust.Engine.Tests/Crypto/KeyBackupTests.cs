using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using BitDust.Engine.Crypto;
using FsCheck;
using FsCheck.Fluent;
using Org.BouncyCastle.Crypto.Generators;

namespace BitDust.Engine.Tests.Crypto;

public sealed class KeyBackupTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple";
    private const int HeaderSize = 72;

    private readonly KeyBundle _bundle = new(MasterKey.Generate(), IdentityKey.Generate());

    public void Dispose() => _bundle.Dispose();

    [Fact]
    public void Create_then_open_gives_back_both_keys()
    {
        var file = KeyBackup.Create(_bundle, Passphrase, ScryptCost.Fast);

        using var restored = KeyBackup.Open(file, Passphrase);

        AssertSameKeys(_bundle, restored);
    }

    [Fact]
    public void The_default_cost_round_trips()
    {
        var file = KeyBackup.Create(_bundle, Passphrase);

        using var restored = KeyBackup.Open(file, Passphrase);

        AssertSameKeys(_bundle, restored);
        Assert.Equal(ScryptCost.Default, new ScryptCost(file[9], file[10], file[11]));
    }

    [Fact]
    public void A_non_ASCII_passphrase_round_trips()
    {
        const string passphrase = "пароль · 密码 · 🔑";
        var file = KeyBackup.Create(_bundle, passphrase, ScryptCost.Fast);

        using var restored = KeyBackup.Open(file, passphrase);

        AssertSameKeys(_bundle, restored);
    }

    [Fact]
    public void The_file_has_the_documented_header()
    {
        var file = KeyBackup.Create(_bundle, Passphrase, new ScryptCost(11, 4, 2));
        var pkcs8Length = _bundle.IdentityKey.ExportPkcs8().Length;

        Assert.Equal("BDKEYBAK"u8.ToArray(), file[..8]);
        Assert.Equal(new byte[] { 1, 11, 4, 2 }, file[8..12]);
        Assert.Equal(HeaderSize + 2 + 32 + 2 + pkcs8Length + 16 + 16, file.Length);
        Assert.Equal(SHA256.HashData(file.AsSpan(0, file.Length - 16))[..16], file[^16..]);
    }

    [Fact]
    public void Two_backups_of_the_same_keys_share_no_salt_nonce_or_ciphertext()
    {
        var first = KeyBackup.Create(_bundle, Passphrase, ScryptCost.Fast);
        var second = KeyBackup.Create(_bundle, Passphrase, ScryptCost.Fast);

        Assert.NotEqual(first[12..44], second[12..44]);
        Assert.NotEqual(first[60..72], second[60..72]);
        Assert.NotEqual(first[72..], second[72..]);
    }

    [Fact]
    public void An_empty_passphrase_is_refused()
    {
        Assert.Throws<ArgumentException>(() => KeyBackup.Create(_bundle, "", ScryptCost.Fast));
        Assert.Throws<ArgumentNullException>(() => KeyBackup.Create(_bundle, null!, ScryptCost.Fast));
    }

    [Fact]
    public void A_wrong_passphrase_is_told_apart()
    {
        var file = KeyBackup.Create(_bundle, Passphrase, ScryptCost.Fast);

        Assert.Throws<WrongPassphraseException>(() => KeyBackup.Open(file, Passphrase + " "));
        Assert.Throws<WrongPassphraseException>(() => KeyBackup.Open(file, "Correct horse battery staple"));
    }

    [Fact]
    public void Every_flipped_bit_is_damage_never_a_key()
    {
        var file = KeyBackup.Create(_bundle, Passphrase, ScryptCost.Fast);

        for (var bit = 0; bit < file.Length * 8; bit++)
        {
            var error = Assert.ThrowsAny<CryptoException>(() => KeyBackup.Open(TestData.FlipBit(file, bit), Passphrase));
            if (bit < 12 * 8)
                Assert.True(error is MalformedKeyMaterialException or TamperedDataException, $"bit {bit}: {error.GetType().Name}");
            else
                Assert.IsType<TamperedDataException>(error);
        }
    }

    [Fact]
    public void A_changed_ciphertext_with_a_recomputed_checksum_fails_authentication()
    {
        var file = KeyBackup.Create(_bundle, Passphrase, ScryptCost.Fast);

        for (var offset = HeaderSize; offset < file.Length - 16; offset += 7)
        {
            var changed = WithChecksum(TestData.FlipBit(file, offset * 8));
            Assert.Throws<TamperedDataException>(() => KeyBackup.Open(changed, Passphrase));
        }
    }

    // Without the passphrase nobody can tell a rewritten salt or check value from a wrong passphrase;
    // what matters is that no keys come out.
    [Theory]
    [InlineData(12)]
    [InlineData(44)]
    public void A_rewritten_salt_or_check_value_yields_no_keys(int offset)
    {
        var file = KeyBackup.Create(_bundle, Passphrase, ScryptCost.Fast);

        Assert.Throws<WrongPassphraseException>(() => KeyBackup.Open(WithChecksum(TestData.FlipBit(file, offset * 8)), Passphrase));
    }

    [Theory]
    [InlineData(40, 8, 1)]
    [InlineData(0, 8, 1)]
    [InlineData(22, 32, 1)]
    [InlineData(16, 1, 1)]
    [InlineData(14, 0, 1)]
    [InlineData(14, 8, 0)]
    [InlineData(14, 8, 200)]
    public void Hostile_scrypt_parameters_are_refused_before_any_work(byte logN, byte blockSize, byte parallelism)
    {
        var file = KeyBackup.Create(_bundle, Passphrase, ScryptCost.Fast);
        file[9] = logN;
        file[10] = blockSize;
        file[11] = parallelism;

        Assert.Throws<MalformedKeyMaterialException>(() => KeyBackup.Open(WithChecksum(file), Passphrase));
    }

    [Fact]
    public void An_unknown_version_or_magic_is_malformed()
    {
        var file = KeyBackup.Create(_bundle, Passphrase, ScryptCost.Fast);
        var newer = (byte[])file.Clone();
        newer[8] = 2;
        var foreign = (byte[])file.Clone();
        foreign[0] = (byte)'X';

        Assert.Throws<MalformedKeyMaterialException>(() => KeyBackup.Open(WithChecksum(newer), Passphrase));
        Assert.Throws<MalformedKeyMaterialException>(() => KeyBackup.Open(WithChecksum(foreign), Passphrase));
        Assert.Throws<MalformedKeyMaterialException>(() => KeyBackup.Open(new byte[KeyBackup.MaxFileSize + 1], Passphrase));
    }

    [Fact]
    public void Garbage_truncated_or_extended_files_fail_with_typed_errors_only()
    {
        var file = KeyBackup.Create(_bundle, Passphrase, ScryptCost.Fast);

        Check.QuickThrowOnFailure(Prop.ForAll(TestData.Mangled(file, 300), mangled =>
        {
            var error = Assert.ThrowsAny<CryptoException>(() => KeyBackup.Open(mangled, Passphrase));
            Assert.True(error is MalformedKeyMaterialException or TamperedDataException, error.GetType().Name);
        }));

        var garbage = Gen.OneOf(
            TestData.BytesGen(0, KeyBackup.MaxFileSize + 100),
            TestData.BytesGen(0, 2000).Select(tail => file.AsSpan(0, 12).ToArray().Concat(tail).ToArray()));
        Check.QuickThrowOnFailure(Prop.ForAll(garbage.ToArbitrary(), bytes =>
        {
            var error = Assert.ThrowsAny<CryptoException>(() => KeyBackup.Open(bytes, Passphrase));
            Assert.True(error is MalformedKeyMaterialException or TamperedDataException, error.GetType().Name);
        }));
    }

    // Writes the documented format independently of KeyBackup, then reads it back with KeyBackup.Open.
    [Fact]
    public void A_file_written_from_the_documented_format_opens_and_its_body_is_checked()
    {
        var masterKey = new byte[MasterKey.Size];
        _bundle.MasterKey.CopyTo(masterKey);
        var pkcs8 = _bundle.IdentityKey.ExportPkcs8();

        using (var restored = KeyBackup.Open(WriteBackup(Body(masterKey, pkcs8)), Passphrase))
            AssertSameKeys(_bundle, restored);

        Assert.Throws<MalformedKeyMaterialException>(() => KeyBackup.Open(WriteBackup(Body(masterKey[..31], pkcs8)), Passphrase));
        Assert.Throws<MalformedKeyMaterialException>(() => KeyBackup.Open(WriteBackup([.. Body(masterKey, pkcs8), 0]), Passphrase));
        Assert.Throws<MalformedKeyMaterialException>(() => KeyBackup.Open(WriteBackup(Body(masterKey, pkcs8[..^1])), Passphrase));
        Assert.Throws<MalformedKeyMaterialException>(() => KeyBackup.Open(WriteBackup(Body(masterKey, new byte[pkcs8.Length])), Passphrase));
    }

    private static byte[] Body(byte[] masterKey, byte[] pkcs8)
    {
        var body = new byte[2 + masterKey.Length + 2 + pkcs8.Length];
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)masterKey.Length);
        masterKey.CopyTo(body, 2);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(2 + masterKey.Length), (ushort)pkcs8.Length);
        pkcs8.CopyTo(body, 4 + masterKey.Length);
        return body;
    }

    private static byte[] WriteBackup(byte[] body)
    {
        var header = new byte[HeaderSize];
        "BDKEYBAK"u8.CopyTo(header);
        header[8] = 1;
        header[9] = 10;
        header[10] = 8;
        header[11] = 1;
        RandomNumberGenerator.Fill(header.AsSpan(12, 32));
        RandomNumberGenerator.Fill(header.AsSpan(60, 12));

        var stretched = SCrypt.Generate(Encoding.UTF8.GetBytes(Passphrase), header[12..44], 1 << 10, 8, 1, 32);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, stretched, 32, info: "bitdust/backup-key"u8.ToArray());
        HKDF.DeriveKey(HashAlgorithmName.SHA256, stretched, header.AsSpan(44, 16), [], "bitdust/backup-check"u8);

        var ciphertext = new byte[body.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, 16))
            aes.Encrypt(header.AsSpan(60, 12), body, ciphertext, tag, header);

        return WithChecksum([.. header, .. ciphertext, .. tag, .. new byte[16]]);
    }

    /// <summary>Recomputes the trailing checksum, as someone rewriting the file on purpose would.</summary>
    private static byte[] WithChecksum(byte[] file)
    {
        SHA256.HashData(file.AsSpan(0, file.Length - 16)).AsSpan(0, 16).CopyTo(file.AsSpan(file.Length - 16));
        return file;
    }

    private static void AssertSameKeys(KeyBundle expected, KeyBundle actual)
    {
        var expectedMaster = new byte[MasterKey.Size];
        var actualMaster = new byte[MasterKey.Size];
        expected.MasterKey.CopyTo(expectedMaster);
        actual.MasterKey.CopyTo(actualMaster);
        Assert.Equal(expectedMaster, actualMaster);
        Assert.Equal(expected.IdentityKey.PublicKey, actual.IdentityKey.PublicKey);
        var data = "signed after restore"u8.ToArray();
        Assert.True(expected.IdentityKey.PublicKey.Verify(data, actual.IdentityKey.Sign(data)));
    }
}
