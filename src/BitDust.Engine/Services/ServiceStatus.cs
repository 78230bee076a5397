namespace BitDust.Engine.Services;

/// <summary>A service as <c>bitdust states</c> and <c>/service/list/v1</c> show it.</summary>
public sealed record ServiceStatus(string Name, bool Enabled, bool Running, string State, IReadOnlyList<string> DependsOn, string? Reason);
