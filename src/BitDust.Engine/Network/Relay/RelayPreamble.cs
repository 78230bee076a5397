using System.Diagnostics.CodeAnalysis;
using BitDust.Engine.Crypto;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Network.Relay;

/// <summary>
/// The bytes a fresh TCP connection to a router starts with, before any TLS: magic <c>BDRL</c>, version 1, a command and its
/// fixed-size body — CONNECT and the 32-byte key fingerprint of the node wanted, or ACCEPT and a 16-byte tunnel token. Every
/// size is fixed, so a parser never allocates from a length the peer chose.
/// </summary>
public readonly record struct RelayPreamble(RelayCommand Command, byte[] Body)
{
    public const byte Version = 1;
    public const int HeaderSize = 6;
    public const int TokenSize = 16;
    public const int MaxSize = HeaderSize + IdentityPublicKey.FingerprintSize;

    /// <summary>"BDRL". Its first byte is never 0x16, the first byte of a TLS record, so one peeked byte tells them apart.</summary>
    public static ReadOnlySpan<byte> Magic => "BDRL"u8;

    public static byte[] Connect(ReadOnlySpan<byte> fingerprint)
    {
        if (fingerprint.Length != IdentityPublicKey.FingerprintSize)
        {
            throw new ArgumentException($"A key fingerprint is {IdentityPublicKey.FingerprintSize} bytes, not {fingerprint.Length}.",
                nameof(fingerprint));
        }
        return Encode(RelayCommand.Connect, fingerprint);
    }

    public static byte[] Accept(ReadOnlySpan<byte> token)
    {
        if (token.Length != TokenSize)
            throw new ArgumentException($"A tunnel token is {TokenSize} bytes, not {token.Length}.", nameof(token));
        return Encode(RelayCommand.Accept, token);
    }

    /// <summary>Checks the first <see cref="HeaderSize"/> bytes and says how many body bytes follow.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out RelayCommand command, out int bodyLength,
        [NotNullWhen(false)] out string? error)
    {
        (command, bodyLength) = (default, 0);
        if (header.Length < HeaderSize)
            return Fail($"a relay preamble of {header.Length} bytes, the header alone is {HeaderSize}", out error);
        if (!header[..Magic.Length].SequenceEqual(Magic))
            return Fail($"no relay magic: the connection starts with {Convert.ToHexString(header[..Magic.Length])}", out error);
        if (header[4] != Version)
            return Fail($"relay preamble version {header[4]}, this router speaks {Version}", out error);
        command = (RelayCommand)header[5];
        bodyLength = command switch
        {
            RelayCommand.Connect => IdentityPublicKey.FingerprintSize,
            RelayCommand.Accept => TokenSize,
            _ => -1,
        };
        if (bodyLength < 0)
            return Fail($"unknown relay command {header[5]}", out error);
        error = null;
        return true;
    }

    /// <summary>Reads a whole preamble: the header, then exactly the body its command has, and nothing after.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out RelayPreamble preamble, [NotNullWhen(false)] out string? error)
    {
        preamble = default;
        if (!TryReadHeader(bytes, out var command, out var bodyLength, out error))
            return false;
        if (bytes.Length != HeaderSize + bodyLength)
            return Fail($"a relay {command} is {HeaderSize + bodyLength} bytes, not {bytes.Length}", out error);
        preamble = new RelayPreamble(command, bytes[HeaderSize..].ToArray());
        return true;
    }

    /// <summary>
    /// Reads a preamble off <paramref name="stream"/>, no byte past its end (the TLS that follows is not the router's).
    /// Null with the reason when the bytes are not one; I/O errors are the caller's.
    /// </summary>
    public static async Task<(RelayPreamble? Preamble, string? Error)> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxSize];
        var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, HeaderSize), HeaderSize, throwOnEndOfStream: false,
            cancellationToken).ConfigureAwait(false);
        if (read < HeaderSize)
            return (null, $"the connection closed after {read} bytes of a relay preamble");
        if (!TryReadHeader(buffer.AsSpan(0, HeaderSize), out _, out var bodyLength, out var error))
            return (null, error);
        read = await stream.ReadAtLeastAsync(buffer.AsMemory(HeaderSize, bodyLength), bodyLength, throwOnEndOfStream: false,
            cancellationToken).ConfigureAwait(false);
        if (!TryRead(buffer.AsSpan(0, HeaderSize + read), out var preamble, out error))
            return (null, error);
        return (preamble, null);
    }

    private static byte[] Encode(RelayCommand command, ReadOnlySpan<byte> body)
    {
        var bytes = new byte[HeaderSize + body.Length];
        Magic.CopyTo(bytes);
        bytes[4] = Version;
        bytes[5] = (byte)command;
        body.CopyTo(bytes.AsSpan(HeaderSize));
        return bytes;
    }
}
