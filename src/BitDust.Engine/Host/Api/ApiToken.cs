using System.Security.Cryptography;
using BitDust.Engine.Common;

namespace BitDust.Engine.Host.Api;

/// <summary>The secret every REST call must carry; kept in the home, readable by its owner only.</summary>
public static class ApiToken
{
    public const string Header = "Authorization";
    public const string Scheme = "Bearer";

    public static async Task<string> LoadOrCreateAsync(NodeHome home, CancellationToken cancellationToken)
    {
        if (File.Exists(home.ApiTokenFile))
        {
            var existing = (await File.ReadAllTextAsync(home.ApiTokenFile, cancellationToken).ConfigureAwait(false)).Trim();
            if (existing.Length == 64 && existing.All(char.IsAsciiHexDigit))
                return existing;
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await AtomicFile.WriteAsync(home.ApiTokenFile, System.Text.Encoding.ASCII.GetBytes(token),
            UnixFileMode.UserRead | UnixFileMode.UserWrite, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>The token of a home, or null when no node has run there yet.</summary>
    public static string? TryRead(NodeHome home) =>
        File.Exists(home.ApiTokenFile) ? File.ReadAllText(home.ApiTokenFile).Trim() : null;

    public static bool Matches(string expected, string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(presented));
}
