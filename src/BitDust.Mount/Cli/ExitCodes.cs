namespace BitDust.Mount.Cli;

/// <summary>What the CLI's exit codes mean, so scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int NotRunning = 3;
}
