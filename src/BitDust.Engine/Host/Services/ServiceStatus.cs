namespace BitDust.Engine.Host.Services;

/// <summary>A service as <c>bitdust states</c> and <c>/service/list/v1</c> show it.</summary>
/// <param name="Reason">Why it is off, or did not start, in words.</param>
/// <param name="Detail">While it runs, what its state means right now (the service's <see cref="INetworkService.Detail"/>).</param>
/// <param name="Off">Why it is off, for programs: null while it runs or before it was tried.</param>
public sealed record ServiceStatus(string Name, bool Enabled, bool Running, string State, IReadOnlyList<string> DependsOn, string? Reason,
    string? Detail = null, ServiceOff? Off = null);
