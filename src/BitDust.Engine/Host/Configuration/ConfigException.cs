namespace BitDust.Engine.Host.Configuration;

/// <summary>A config key or value that cannot be used; the message names the key and what is expected.</summary>
public sealed class ConfigException(string message) : Exception(message);
