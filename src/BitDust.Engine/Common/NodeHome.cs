namespace BitDust.Engine.Common;

/// <summary>
/// The folder that holds one node: config, keys, identity, databases, data, logs. <c>BITDUST_HOME</c> chooses it (default
/// <c>~/.bitdust</c>), so many nodes can run side by side on one machine.
/// </summary>
public sealed class NodeHome
{
    public const string EnvironmentVariable = "BITDUST_HOME";

    public NodeHome(string root)
    {
        if (string.IsNullOrWhiteSpace(root))
            throw new ArgumentException("A node home needs a folder.", nameof(root));
        Root = Path.GetFullPath(root);
    }

    /// <summary>The home named by BITDUST_HOME, or ~/.bitdust.</summary>
    public static NodeHome FromEnvironment()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return new NodeHome(string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".bitdust")
            : configured);
    }

    public string Root { get; }

    public string ConfigFile => Path.Combine(Root, "config.json");

    public string KeysFolder => Path.Combine(Root, "keys");

    public string IdentityFolder => Path.Combine(Root, "identity");

    public string DataFolder => Path.Combine(Root, "data");

    /// <summary>A <c>.f</c> stub of every readable file of the catalog, at its remote path (the <c>stubs</c> service keeps it).</summary>
    public string Stubs => Path.Combine(Root, "stubs");

    public string LogsFolder => Path.Combine(Root, "logs");

    public string LogFile => Path.Combine(LogsFolder, "bitdust.log");

    public string PidFile => Path.Combine(Root, "bitdust.pid");

    /// <summary>The REST API token: readable by the owner only.</summary>
    public string ApiTokenFile => Path.Combine(Root, "api-token");

    /// <summary>Where the running daemon writes the REST port it actually bound (the configured one may be 0).</summary>
    public string ApiPortFile => Path.Combine(Root, "api-port");

    public void Create()
    {
        foreach (var folder in new[] { Root, KeysFolder, IdentityFolder, DataFolder, LogsFolder })
        {
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(folder);
            else
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public override string ToString() => Root;
}
