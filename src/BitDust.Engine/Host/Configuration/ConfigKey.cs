namespace BitDust.Engine.Host.Configuration;

/// <summary>One setting, with BitDust's name, its kind, its default and what it is for.</summary>
public sealed record ConfigKey(string Name, ConfigValueKind Kind, string Default, string Description, long Min = long.MinValue, long Max = long.MaxValue,
    bool Live = false);
