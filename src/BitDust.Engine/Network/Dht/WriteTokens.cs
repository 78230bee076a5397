using System.Net;
using System.Security.Cryptography;

namespace BitDust.Engine.Network.Dht;

/// <summary>
/// The write tokens of BEP 5 (announce_peer) and BEP 44 (put): a MAC of the requester's address under a secret
/// that rotates every <see cref="RotationInterval"/>. A token from the current or the previous secret is accepted,
/// so a token lives between one and two intervals and proves the writer can receive at the address it claims.
/// </summary>
public sealed class WriteTokens
{
    public const int TokenLength = 8;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private byte[] _current = RandomNumberGenerator.GetBytes(32);
    private byte[] _previous = RandomNumberGenerator.GetBytes(32);
    private DateTimeOffset _rotatedAt;

    public WriteTokens(TimeProvider time, TimeSpan rotationInterval)
    {
        _time = time;
        RotationInterval = rotationInterval;
        _rotatedAt = time.GetUtcNow();
    }

    public TimeSpan RotationInterval { get; }

    public byte[] Issue(IPAddress requester)
    {
        lock (_lock)
        {
            RotateIfDue();
            return Compute(_current, requester);
        }
    }

    public bool IsValid(ReadOnlySpan<byte> token, IPAddress requester)
    {
        if (token.Length != TokenLength)
            return false;
        lock (_lock)
        {
            RotateIfDue();
            return CryptographicOperations.FixedTimeEquals(token, Compute(_current, requester)) ||
                   CryptographicOperations.FixedTimeEquals(token, Compute(_previous, requester));
        }
    }

    private void RotateIfDue()
    {
        var now = _time.GetUtcNow();
        var elapsed = now - _rotatedAt;
        if (elapsed < RotationInterval)
            return;
        // After two silent intervals the old current secret is too old to honour as well.
        _previous = elapsed < RotationInterval * 2 ? _current : RandomNumberGenerator.GetBytes(32);
        _current = RandomNumberGenerator.GetBytes(32);
        _rotatedAt = now;
    }

    private static byte[] Compute(byte[] secret, IPAddress requester)
    {
        var address = requester.IsIPv4MappedToIPv6 ? requester.MapToIPv4() : requester;
        return HMACSHA256.HashData(secret, address.GetAddressBytes())[..TokenLength];
    }
}
