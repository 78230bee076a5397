using System.Diagnostics.CodeAnalysis;
using BitDust.Engine.Common;
using BitDust.Engine.Identity;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Network.Relay;

/// <summary>What a router says about a tcp:// contact it was asked to dial back.</summary>
public sealed record RelayProbeResult(bool Reachable, string Reason);

/// <summary>
/// The control messages between nodes and routers, requests over the ordinary authenticated connections. Every body starts
/// with a version byte; fields are big-endian; every length is bounded before anything is read. A router says no with a
/// request error whose text is the reason.
/// <list type="bullet">
/// <item><c>relay.register</c> flags (u8) → idle timeout in ms (i32): the caller's key is routed from now on.</item>
/// <item><c>relay.keep</c> (empty) → (empty): the route is still wanted.</item>
/// <item><c>relay.incoming</c> token (16 bytes) → (empty): router to routed node, "come for a tunnel with this token".</item>
/// <item><c>relay.probe</c> contact (u16 length, ASCII) → reachable (u8 0/1), reason (u8 length, UTF-8).</item>
/// <item><c>relay.list</c> (empty) → count (u16), then each routed supplier's identity (u16 length, UTF-8).</item>
/// </list>
/// </summary>
internal static class RelayMessages
{
    public const byte Version = 1;

    public const string Register = "relay.register";
    public const string Keep = "relay.keep";
    public const string Incoming = "relay.incoming";
    public const string Probe = "relay.probe";
    public const string List = "relay.list";

    /// <summary>The requests a router answers.</summary>
    public static IReadOnlyList<string> RouterKinds { get; } = [Register, Keep, Probe, List];

    /// <summary>Names in one <c>relay.list</c> answer: 1000 × 258 bytes stays far under the frame limit.</summary>
    public const int MaxListed = 1000;

    public const int MaxReasonLength = RelayAnswer.MaxReasonLength;

    /// <summary>An idle timeout a router may announce: up to a day.</summary>
    public const int MaxIdleTimeoutMilliseconds = 86_400_000;

    public static byte[] Empty() => [Version];

    public static bool TryReadEmpty(ReadOnlySpan<byte> source, string what, [NotNullWhen(false)] out string? error)
    {
        var reader = new FormatReader(source);
        return TryBegin(ref reader, what, out error) && TryEnd(reader, what, out error);
    }

    public static byte[] EncodeRegister(RelayFlags flags) => [Version, (byte)flags];

    public static bool TryReadRegister(ReadOnlySpan<byte> source, out RelayFlags flags, [NotNullWhen(false)] out string? error)
    {
        flags = RelayFlags.None;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "relay register", out error))
            return false;
        if (!reader.TryReadByte(out var bits))
            return Truncated("relay register", out error);
        if ((bits & ~(byte)RelayFlags.Supplier) != 0)
            return Fail($"relay register: unknown flags 0x{bits:x2}", out error);
        if (!TryEnd(reader, "relay register", out error))
            return false;
        flags = (RelayFlags)bits;
        return true;
    }

    public static byte[] EncodeRegistered(TimeSpan idleTimeout)
    {
        var writer = Begin();
        writer.WriteInt32((int)Math.Clamp(idleTimeout.TotalMilliseconds, 1, MaxIdleTimeoutMilliseconds));
        return writer.ToArray();
    }

    public static bool TryReadRegistered(ReadOnlySpan<byte> source, out TimeSpan idleTimeout, [NotNullWhen(false)] out string? error)
    {
        idleTimeout = TimeSpan.Zero;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "relay registration", out error))
            return false;
        if (!reader.TryReadInt32(out var milliseconds))
            return Truncated("relay registration", out error);
        if (milliseconds is < 1 or > MaxIdleTimeoutMilliseconds)
            return Fail($"relay registration: an idle timeout of {milliseconds} ms, allowed 1 to {MaxIdleTimeoutMilliseconds}", out error);
        if (!TryEnd(reader, "relay registration", out error))
            return false;
        idleTimeout = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    public static byte[] EncodeIncoming(ReadOnlySpan<byte> token)
    {
        if (token.Length != RelayPreamble.TokenSize)
            throw new ArgumentException($"A tunnel token is {RelayPreamble.TokenSize} bytes, not {token.Length}.", nameof(token));
        return [Version, .. token];
    }

    public static bool TryReadIncoming(ReadOnlySpan<byte> source, [NotNullWhen(true)] out byte[]? token,
        [NotNullWhen(false)] out string? error)
    {
        token = null;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "relay incoming", out error))
            return false;
        if (!reader.TryReadBytes(RelayPreamble.TokenSize, out var bytes))
            return Truncated("relay incoming", out error);
        if (!TryEnd(reader, "relay incoming", out error))
            return false;
        token = bytes.ToArray();
        return true;
    }

    public static byte[] EncodeProbe(string contact)
    {
        if (IdentityContacts.Validate([contact]) is { } problem)
            throw new ArgumentException($"\"{contact}\" cannot be probed: {problem}.", nameof(contact));
        var writer = Begin();
        WriteText(writer, contact);
        return writer.ToArray();
    }

    /// <summary>A probe's contact: any valid identity contact; which schemes a router dials is the router's rule.</summary>
    public static bool TryReadProbe(ReadOnlySpan<byte> source, [NotNullWhen(true)] out string? contact,
        [NotNullWhen(false)] out string? error)
    {
        contact = null;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "relay probe", out error) ||
            !TryReadText(ref reader, "relay probe", "the contact", IdentityContacts.MaxLength, out var text, out error) ||
            !TryEnd(reader, "relay probe", out error))
            return false;
        if (IdentityContacts.Validate([text]) is { } problem)
            return Fail($"relay probe: {problem}", out error);
        contact = text;
        return true;
    }

    public static byte[] EncodeProbeResult(RelayProbeResult result)
    {
        var reason = RelayText.Encode(result.Reason, MaxReasonLength);
        return [Version, result.Reachable ? (byte)1 : (byte)0, (byte)reason.Length, .. reason];
    }

    public static bool TryReadProbeResult(ReadOnlySpan<byte> source, [NotNullWhen(true)] out RelayProbeResult? result,
        [NotNullWhen(false)] out string? error)
    {
        result = null;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "relay probe answer", out error))
            return false;
        if (!reader.TryReadByte(out var reachable) || !reader.TryReadByte(out var length))
            return Truncated("relay probe answer", out error);
        if (reachable > 1)
            return Fail($"relay probe answer: reachable is {reachable}, not 0 or 1", out error);
        if (length > MaxReasonLength)
            return Fail($"relay probe answer: a reason of {length} bytes, allowed 0 to {MaxReasonLength}", out error);
        if (!reader.TryReadBytes(length, out var bytes))
            return Truncated("relay probe answer", out error);
        if (!RelayText.TryDecode(bytes, "relay probe answer: the reason", out var reason, out error) ||
            !TryEnd(reader, "relay probe answer", out error))
            return false;
        result = new RelayProbeResult(reachable == 1, reason);
        return true;
    }

    public static byte[] EncodeList(IReadOnlyCollection<string> identities)
    {
        if (identities.Count > MaxListed)
            throw new ArgumentException($"A relay list holds at most {MaxListed} names, not {identities.Count}.", nameof(identities));
        var writer = Begin(3 + identities.Count * 64);
        writer.WriteUInt16(identities.Count);
        foreach (var identity in identities)
            WriteText(writer, identity);
        return writer.ToArray();
    }

    public static bool TryReadList(ReadOnlySpan<byte> source, [NotNullWhen(true)] out IReadOnlyList<string>? identities,
        [NotNullWhen(false)] out string? error)
    {
        identities = null;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "relay list", out error))
            return false;
        if (!reader.TryReadUInt16(out var count))
            return Truncated("relay list", out error);
        if (count > MaxListed)
            return Fail($"relay list: {count} names, allowed 0 to {MaxListed}", out error);
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryReadUInt16(out var length) || !reader.TryReadBytes(length, out var bytes))
                return Truncated("relay list", out error);
            if (!Transport.HelloIdentity.TryDecode(bytes, out var name, out var problem))
                return Fail($"relay list: name {i + 1}: {problem}", out error);
            names.Add(name);
        }
        if (!TryEnd(reader, "relay list", out error))
            return false;
        identities = names;
        return true;
    }

    private static FormatWriter Begin(int capacity = 64)
    {
        var writer = new FormatWriter(capacity);
        writer.WriteByte(Version);
        return writer;
    }

    private static void WriteText(FormatWriter writer, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        writer.WriteUInt16(bytes.Length);
        writer.WriteBytes(bytes);
    }

    private static bool TryReadText(ref FormatReader reader, string what, string field, int max, [NotNullWhen(true)] out string? text,
        [NotNullWhen(false)] out string? error)
    {
        text = null;
        if (!reader.TryReadUInt16(out var length))
            return Truncated(what, out error);
        if (length is 0 || length > max)
            return Fail($"{what}: {field} of {length} bytes, allowed 1 to {max}", out error);
        if (!reader.TryReadBytes(length, out var bytes))
            return Truncated(what, out error);
        return RelayText.TryDecode(bytes, $"{what}: {field}", out text, out error);
    }

    private static bool TryBegin(ref FormatReader reader, string what, [NotNullWhen(false)] out string? error)
    {
        if (!reader.TryReadByte(out var version))
            return Fail($"{what}: empty body", out error);
        if (version != Version)
            return Fail($"{what}: relay protocol version {version}, this node speaks {Version}", out error);
        error = null;
        return true;
    }

    private static bool TryEnd(in FormatReader reader, string what, [NotNullWhen(false)] out string? error)
    {
        if (reader.Remaining != 0)
            return Fail($"{what}: {reader.Remaining} bytes after the end", out error);
        error = null;
        return true;
    }

    private static bool Truncated(string what, out string error) => Fail($"{what}: truncated", out error);
}
