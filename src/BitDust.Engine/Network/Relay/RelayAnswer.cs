using System.Diagnostics.CodeAnalysis;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Network.Relay;

/// <summary>
/// The router's answer to a preamble: one status byte, one length byte and a UTF-8 reason of at most
/// <see cref="MaxReasonLength"/> bytes (empty for <see cref="RelayStatus.Ok"/> as a rule). After an OK the socket carries the
/// other side's bytes; after anything else the router closes it.
/// </summary>
public readonly record struct RelayAnswer(RelayStatus Status, string Reason)
{
    public const int HeaderSize = 2;
    public const int MaxReasonLength = 200;
    public const int MaxSize = HeaderSize + MaxReasonLength;

    public static RelayAnswer Ok { get; } = new(RelayStatus.Ok, "");

    public byte[] Encode()
    {
        var reason = RelayText.Encode(Reason, MaxReasonLength);
        return [(byte)Status, (byte)reason.Length, .. reason];
    }

    /// <summary>Checks the status and length bytes and says how many reason bytes follow.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out RelayStatus status, out int reasonLength,
        [NotNullWhen(false)] out string? error)
    {
        (status, reasonLength) = (default, 0);
        if (header.Length < HeaderSize)
            return Fail($"a relay answer of {header.Length} bytes, the header alone is {HeaderSize}", out error);
        status = (RelayStatus)header[0];
        if (!Enum.IsDefined(status))
            return Fail($"unknown relay status {header[0]}", out error);
        reasonLength = header[1];
        if (reasonLength > MaxReasonLength)
            return Fail($"a relay reason of {reasonLength} bytes, allowed 0 to {MaxReasonLength}", out error);
        error = null;
        return true;
    }

    public static bool TryRead(ReadOnlySpan<byte> bytes, out RelayAnswer answer, [NotNullWhen(false)] out string? error)
    {
        answer = default;
        if (!TryReadHeader(bytes, out var status, out var reasonLength, out error))
            return false;
        if (bytes.Length != HeaderSize + reasonLength)
        {
            return Fail($"a relay answer with a {reasonLength}-byte reason is {HeaderSize + reasonLength} bytes, not {bytes.Length}",
                out error);
        }
        if (!RelayText.TryDecode(bytes[HeaderSize..], "the relay reason", out var reason, out error))
            return false;
        answer = new RelayAnswer(status, reason);
        return true;
    }

    /// <summary>Reads an answer off <paramref name="stream"/>, no byte past its end; null with the reason when it is not one.</summary>
    public static async Task<(RelayAnswer? Answer, string? Error)> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxSize];
        var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, HeaderSize), HeaderSize, throwOnEndOfStream: false,
            cancellationToken).ConfigureAwait(false);
        if (read < HeaderSize)
            return (null, read == 0 ? "the router closed the connection without an answer" : "the router's answer was cut off");
        if (!TryReadHeader(buffer.AsSpan(0, HeaderSize), out _, out var reasonLength, out var error))
            return (null, error);
        read = await stream.ReadAtLeastAsync(buffer.AsMemory(HeaderSize, reasonLength), reasonLength, throwOnEndOfStream: false,
            cancellationToken).ConfigureAwait(false);
        if (!TryRead(buffer.AsSpan(0, HeaderSize + read), out var answer, out error))
            return (null, error);
        return (answer, null);
    }

    /// <summary>The status in words, for messages: "no route", "busy", …</summary>
    public static string Describe(RelayStatus status) => status switch
    {
        RelayStatus.Ok => "ok",
        RelayStatus.NoRoute => "no route",
        RelayStatus.Busy => "busy",
        RelayStatus.Timeout => "timeout",
        RelayStatus.BadRequest => "bad request",
        RelayStatus.UnknownToken => "unknown token",
        RelayStatus.Refused => "refused",
        _ => $"status {(byte)status}",
    };
}
