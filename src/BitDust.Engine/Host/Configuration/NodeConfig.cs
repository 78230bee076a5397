using System.Text.Json;
using BitDust.Engine.Common;

namespace BitDust.Engine.Host.Configuration;

/// <summary>
/// The node's settings: the values set explicitly, kept in <c>config.json</c> in the home (replaced atomically), over the
/// defaults of <see cref="ConfigSchema"/>. Every value is validated on the way in and again when the file is read.
/// </summary>
public sealed class NodeConfig
{
    private const int MaxFileSize = 1024 * 1024;
    private readonly string _path;
    private readonly Lock _lock = new();
    private Dictionary<string, string> _values;

    private NodeConfig(string path, Dictionary<string, string> values)
    {
        _path = path;
        _values = values;
    }

    /// <summary>Raised with a key's name once its new value is stored, for the keys applied while the node runs (<see cref="ConfigKey.Live"/>).</summary>
    public event Action<string>? Changed;

    public static NodeConfig Load(NodeHome home)
    {
        var path = home.ConfigFile;
        if (!File.Exists(path))
            return new NodeConfig(path, new Dictionary<string, string>(StringComparer.Ordinal));
        var info = new FileInfo(path);
        if (info.Length > MaxFileSize)
            throw new ConfigException($"{path} is {info.Length} bytes, over {MaxFileSize}: it is not a config file this program wrote.");
        Dictionary<string, string>? raw;
        try
        {
            raw = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path} is not valid JSON ({e.Message}); fix or delete it to go back to the defaults.");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in raw ?? [])
        {
            try
            {
                values[name] = ConfigValues.Normalize(ConfigSchema.Get(name), value);
            }
            catch (ConfigException e)
            {
                throw new ConfigException($"{path}: {e.Message}");
            }
        }
        return new NodeConfig(path, values);
    }

    /// <summary>The value of <paramref name="name"/>: the one set, or the default.</summary>
    public string Get(string name)
    {
        var key = ConfigSchema.Get(name);
        lock (_lock)
            return _values.TryGetValue(key.Name, out var value) ? value : key.Default;
    }

    public bool IsSet(string name)
    {
        lock (_lock)
            return _values.ContainsKey(name);
    }

    public bool GetBoolean(string name) => ConfigValues.ParseBoolean(ConfigSchema.Get(name), Get(name));

    public int GetPort(string name) => ConfigValues.ParsePort(ConfigSchema.Get(name), Get(name));

    public long GetSize(string name) => ConfigValues.ParseSize(ConfigSchema.Get(name), Get(name));

    public long GetInteger(string name) => ConfigValues.ParseInteger(ConfigSchema.Get(name), Get(name));

    public int GetSupplierCount(string name) => ConfigValues.ParseSupplierCount(ConfigSchema.Get(name), Get(name));

    public IReadOnlyList<string> GetList(string name)
    {
        var key = ConfigSchema.Get(name);
        var value = Get(name);
        return key.Kind switch
        {
            ConfigValueKind.IdentityServers => ConfigValues.ParseIdentityServers(key, value),
            ConfigValueKind.KnownNodes when value == "genesis" => [],
            _ => ConfigValues.ParseHostList(key, value),
        };
    }

    /// <summary>
    /// Validates, normalizes and stores a value; returns the stored form. Switching on one of
    /// <see cref="ConfigSchema.ExclusiveSwitches"/> while the other is on is refused, with the command that comes first.
    /// </summary>
    public async Task<string> SetAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        var key = ConfigSchema.Get(name);
        var normalized = ConfigValues.Normalize(key, value);
        byte[] json;
        lock (_lock)
        {
            if (key.Kind == ConfigValueKind.Boolean && ConfigValues.ParseBoolean(key, normalized) && SwitchedOnRival(key.Name) is { } rival)
            {
                throw new ConfigException($"{key.Name} cannot be true while {rival} is true: {ServiceOf(key.Name)} and " +
                    $"{ServiceOf(rival)} never run together on one node. First `bitdust set {rival} false`.");
            }
            _values = new Dictionary<string, string>(_values, StringComparer.Ordinal) { [key.Name] = normalized };
            json = JsonSerializer.SerializeToUtf8Bytes(new SortedDictionary<string, string>(_values, StringComparer.Ordinal),
                new JsonSerializerOptions { WriteIndented = true });
        }
        await AtomicFile.WriteAsync(_path, json, UnixFileMode.UserRead | UnixFileMode.UserWrite, cancellationToken).ConfigureAwait(false);
        Changed?.Invoke(key.Name);
        return normalized;
    }

    /// <summary>The switch exclusive with <paramref name="name"/> when it is on now; called under the lock.</summary>
    private string? SwitchedOnRival(string name)
    {
        foreach (var (first, second) in ConfigSchema.ExclusiveSwitches)
        {
            var rival = name == first ? second : name == second ? first : null;
            if (rival is null)
                continue;
            var key = ConfigSchema.Get(rival);
            if (ConfigValues.ParseBoolean(key, _values.TryGetValue(rival, out var set) ? set : key.Default))
                return rival;
        }
        return null;
    }

    /// <summary>"proxy-server" for ConfigKeys.ProxyServerEnabled.</summary>
    private static string ServiceOf(string switchName) => switchName.Split('/')[1];

    /// <summary>Every key with its current value, and whether it was set or is the default.</summary>
    public IReadOnlyList<(ConfigKey Key, string Value, bool IsSet)> List()
    {
        lock (_lock)
            return ConfigSchema.Keys.Select(k => (k, _values.TryGetValue(k.Name, out var v) ? v : k.Default, _values.ContainsKey(k.Name))).ToList();
    }
}
