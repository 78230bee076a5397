namespace BitDust.Mount.Localnet;

/// <summary>A localnet operation that cannot go on, with a message for the user; <see cref="IsUsage"/>: the request was wrong.</summary>
internal sealed class LocalnetException(string message, bool isUsage = false) : Exception(message)
{
    public bool IsUsage { get; } = isUsage;
}
