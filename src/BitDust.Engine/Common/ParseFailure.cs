namespace BitDust.Engine.Common;

/// <summary>The one way our <c>TryRead</c> parsers give up: set the reason, return false.</summary>
internal static class ParseFailure
{
    public static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
