using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Generators;

namespace BitDust.Engine.Crypto;

/// <summary>
/// The key backup: one small file holding the master key and the identity key, sealed under a
/// passphrase stretched with scrypt. With it and the passphrase a new machine restores everything.
/// </summary>
/// <remarks>
/// Format version 1 (all integers big-endian):
/// <code>
///  0   8  magic "BDKEYBAK"
///  8   1  format version (1)
///  9   1  scrypt log2 N      10   1  scrypt r      11   1  scrypt p
/// 12  32  scrypt salt
/// 44  16  passphrase check value: HKDF(scrypt output, "bitdust/backup-check")
/// 60  12  AES-GCM nonce
/// 72   n  AES-256-GCM ciphertext of the body, key HKDF(scrypt output, "bitdust/backup-key"),
///         associated data bytes 0..72
///      16 GCM tag
///      16 checksum: SHA-256 of everything before it, first 16 bytes
/// body: u16 length | master key (32) | u16 length | identity key PKCS#8
/// </code>
/// The check value tells a wrong passphrase from a tampered body. The unkeyed checksum catches
/// accidental damage anywhere (salt and scrypt parameters included, which would otherwise read as a
/// wrong passphrase) before any scrypt work. Deliberate changes that recompute the checksum still
/// fail the check value or the tag, so a changed file never yields keys.
/// </remarks>
public static class KeyBackup
{
    public const int MaxFileSize = 16 * 1024;

    private const int FormatVersion = 1;
    private const int SaltSize = 32;
    private const int CheckSize = 16;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int ChecksumSize = 16;
    private const int ScryptOutputSize = 32;
    private const int EncryptionKeySize = 32;
    private const int LengthPrefixSize = 2;

    private const int VersionOffset = 8;
    private const int LogNOffset = 9;
    private const int BlockSizeOffset = 10;
    private const int ParallelismOffset = 11;
    private const int SaltOffset = 12;
    private const int CheckOffset = SaltOffset + SaltSize;
    private const int NonceOffset = CheckOffset + CheckSize;
    private const int HeaderSize = NonceOffset + NonceSize;
    private const int MinBodySize = LengthPrefixSize + MasterKey.Size + LengthPrefixSize + 1;
    private const int MinFileSize = HeaderSize + MinBodySize + TagSize + ChecksumSize;

    private static ReadOnlySpan<byte> Magic => "BDKEYBAK"u8;

    /// <summary>Seals <paramref name="bundle"/> under <paramref name="passphrase"/> (not empty) with scrypt at <paramref name="cost"/> (default <see cref="ScryptCost.Default"/>).</summary>
    public static byte[] Create(KeyBundle bundle, string passphrase, ScryptCost? cost = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        cost ??= ScryptCost.Default;

        var body = EncodeBody(bundle);
        try
        {
            var file = new byte[HeaderSize + body.Length + TagSize + ChecksumSize];
            Magic.CopyTo(file);
            file[VersionOffset] = FormatVersion;
            file[LogNOffset] = (byte)cost.LogN;
            file[BlockSizeOffset] = (byte)cost.BlockSize;
            file[ParallelismOffset] = (byte)cost.Parallelism;
            var salt = file.AsSpan(SaltOffset, SaltSize);
            RandomNumberGenerator.Fill(salt);
            RandomNumberGenerator.Fill(file.AsSpan(NonceOffset, NonceSize));

            Span<byte> key = stackalloc byte[EncryptionKeySize];
            try
            {
                DeriveKeys(passphrase, salt, cost, key, file.AsSpan(CheckOffset, CheckSize));
                using var aes = new AesGcm(key, TagSize);
                aes.Encrypt(
                    file.AsSpan(NonceOffset, NonceSize),
                    body,
                    file.AsSpan(HeaderSize, body.Length),
                    file.AsSpan(HeaderSize + body.Length, TagSize),
                    file.AsSpan(0, HeaderSize));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }

            var checksummed = file.Length - ChecksumSize;
            Span<byte> checksum = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(file.AsSpan(0, checksummed), checksum);
            checksum[..ChecksumSize].CopyTo(file.AsSpan(checksummed));
            return file;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    /// <summary>
    /// Opens a backup made by <see cref="Create"/>. Throws <see cref="MalformedKeyMaterialException"/> for a file that is
    /// not a readable backup (before any scrypt work), <see cref="TamperedDataException"/> for a damaged or altered one,
    /// and <see cref="WrongPassphraseException"/> when the passphrase is not the one it was made with.
    /// </summary>
    public static KeyBundle Open(ReadOnlySpan<byte> file, string passphrase)
    {
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        var cost = ReadHeader(file);

        var checksummed = file.Length - ChecksumSize;
        Span<byte> checksum = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(file[..checksummed], checksum);
        if (!CryptographicOperations.FixedTimeEquals(checksum[..ChecksumSize], file[checksummed..]))
            throw new TamperedDataException("The key backup is damaged: its checksum does not match. Use another copy of the backup.");

        var bodySize = checksummed - HeaderSize - TagSize;
        var body = GC.AllocateArray<byte>(bodySize, pinned: true);
        Span<byte> key = stackalloc byte[EncryptionKeySize];
        Span<byte> check = stackalloc byte[CheckSize];
        try
        {
            DeriveKeys(passphrase, file.Slice(SaltOffset, SaltSize), cost, key, check);
            if (!CryptographicOperations.FixedTimeEquals(check, file.Slice(CheckOffset, CheckSize)))
                throw new WrongPassphraseException("The passphrase does not open this key backup. Check it (case, keyboard layout) and try again.");

            using (var aes = new AesGcm(key, TagSize))
            {
                try
                {
                    aes.Decrypt(
                        file.Slice(NonceOffset, NonceSize),
                        file.Slice(HeaderSize, bodySize),
                        file.Slice(HeaderSize + bodySize, TagSize),
                        body,
                        file[..HeaderSize]);
                }
                catch (AuthenticationTagMismatchException e)
                {
                    throw new TamperedDataException(
                        "The key backup failed authentication under the right passphrase: it was altered. Use another copy of the backup.", e);
                }
            }
            return DecodeBody(body);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(body);
        }
    }

    /// <summary>Checks size, magic, version and scrypt bounds, so hostile files cost nothing.</summary>
    private static ScryptCost ReadHeader(ReadOnlySpan<byte> file)
    {
        if (file.Length < MinFileSize || file.Length > MaxFileSize)
        {
            throw new MalformedKeyMaterialException(
                $"A key backup is {MinFileSize} to {MaxFileSize} bytes, not {file.Length}: this is not one, or it was cut short. " +
                "Use another copy of the backup.");
        }
        if (!file.StartsWith(Magic))
            throw new MalformedKeyMaterialException("This file is not a BitDust key backup (it does not start with \"BDKEYBAK\").");
        if (file[VersionOffset] != FormatVersion)
        {
            throw new MalformedKeyMaterialException(
                $"Key backup format version {file[VersionOffset]} is unknown (this build reads {FormatVersion}). Upgrade BitDust, or use another copy.");
        }
        try
        {
            return new ScryptCost(file[LogNOffset], file[BlockSizeOffset], file[ParallelismOffset]);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new MalformedKeyMaterialException(
                $"The key backup asks for scrypt parameters out of bounds ({e.Message}). It is damaged or hostile; use another copy.", e);
        }
    }

    /// <summary>scrypt, then HKDF into the encryption key and the passphrase check value.</summary>
    private static void DeriveKeys(string passphrase, ReadOnlySpan<byte> salt, ScryptCost cost, Span<byte> key, Span<byte> check)
    {
        // BouncyCastle wants arrays; these are pinned and wiped (its own internal copies are out of reach).
        var password = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(passphrase), pinned: true);
        byte[]? stretched = null;
        try
        {
            Encoding.UTF8.GetBytes(passphrase, password);
            stretched = SCrypt.Generate(password, salt.ToArray(), 1 << cost.LogN, cost.BlockSize, cost.Parallelism, ScryptOutputSize);
            KeyDerivation.DeriveKey(stretched, "bitdust/backup-key", key);
            KeyDerivation.DeriveKey(stretched, "bitdust/backup-check", check);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
            if (stretched is not null)
                CryptographicOperations.ZeroMemory(stretched);
        }
    }

    private static byte[] EncodeBody(KeyBundle bundle)
    {
        var identity = bundle.IdentityKey.ExportPkcs8();
        try
        {
            var body = GC.AllocateArray<byte>(LengthPrefixSize + MasterKey.Size + LengthPrefixSize + identity.Length, pinned: true);
            var rest = body.AsSpan();
            BinaryPrimitives.WriteUInt16BigEndian(rest, MasterKey.Size);
            bundle.MasterKey.CopyTo(rest.Slice(LengthPrefixSize, MasterKey.Size));
            rest = rest[(LengthPrefixSize + MasterKey.Size)..];
            BinaryPrimitives.WriteUInt16BigEndian(rest, (ushort)identity.Length);
            identity.CopyTo(rest[LengthPrefixSize..]);
            return body;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(identity);
        }
    }

    private static KeyBundle DecodeBody(ReadOnlySpan<byte> body)
    {
        if (!TryReadField(ref body, out var masterKey) || !TryReadField(ref body, out var identityKey) || !body.IsEmpty)
        {
            throw new MalformedKeyMaterialException(
                "The key backup opened, but its content is not laid out as this build expects. Upgrade BitDust, or use another copy.");
        }

        var master = MasterKey.FromBytes(masterKey);
        try
        {
            return new KeyBundle(master, IdentityKey.ImportPkcs8(identityKey));
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    /// <summary>Reads one u16-length-prefixed field and advances past it.</summary>
    private static bool TryReadField(ref ReadOnlySpan<byte> body, out ReadOnlySpan<byte> field)
    {
        field = default;
        if (body.Length < LengthPrefixSize)
            return false;
        var length = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (body.Length - LengthPrefixSize < length)
            return false;
        field = body.Slice(LengthPrefixSize, length);
        body = body[(LengthPrefixSize + length)..];
        return true;
    }
}
