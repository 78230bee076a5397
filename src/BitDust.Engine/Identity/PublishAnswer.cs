using System.Text.Json.Serialization;

namespace BitDust.Engine.Identity;

/// <summary>
/// An identity server's JSON answer to a publication, over HTTP and in TCP status frames alike:
/// <c>{"status":"accepted","reason":"…","name":"alice","revision":3}</c>; status is a <see cref="IdentityVerdict"/> in kebab case.
/// </summary>
public sealed record PublishAnswer(string Status, string Reason, string? Name = null, long? Revision = null)
{
    public const string TooLarge = "too-large";

    public static PublishAnswer From(IdentityAcceptance acceptance)
    {
        ArgumentNullException.ThrowIfNull(acceptance);
        return new(StatusOf(acceptance.Verdict), acceptance.Reason, acceptance.Document?.Name, acceptance.Document?.Revision);
    }

    public static string StatusOf(IdentityVerdict verdict) => verdict switch
    {
        IdentityVerdict.Accepted => "accepted",
        IdentityVerdict.Unchanged => "unchanged",
        IdentityVerdict.Malformed => "malformed",
        IdentityVerdict.ForgedKey => "forged-key",
        IdentityVerdict.StaleRevision => "stale-revision",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    /// <summary>What a publisher should make of this answer.</summary>
    public PublishOutcome Outcome => Status switch
    {
        "accepted" => PublishOutcome.Accepted,
        "unchanged" => PublishOutcome.Unchanged,
        "malformed" or "forged-key" or "stale-revision" or TooLarge => PublishOutcome.Refused,
        _ => PublishOutcome.Failed,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PublishAnswer))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
