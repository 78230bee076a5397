using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Storage.Customer.Stubs;

/// <summary>What the customer logs about stubs: a file replaced by its stub, or left because it could not be.</summary>
internal static partial class StubLog
{
    [LoggerMessage(3800, LogLevel.Information, "{Local} replaced by its stub {Stub} (version {File})")]
    public static partial void ReplacedByStub(this ILogger logger, string local, string stub, string file);

    [LoggerMessage(3801, LogLevel.Warning, "{Local} was not replaced by a stub: {Reason}")]
    public static partial void StubReplacementFailed(this ILogger logger, string local, string reason);
}
