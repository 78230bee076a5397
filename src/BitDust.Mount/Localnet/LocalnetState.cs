using System.Text.Json;
using System.Text.Json.Serialization;
using BitDust.Engine.Common;

namespace BitDust.Mount.Localnet;

/// <summary>
/// What <c>localnet up</c> made, kept in <c>FOLDER/localnet.json</c>: every node's role, name, home, pid and ports, so that
/// <c>status</c> and <c>down</c> find them again and a second <c>up</c> brings back the same network.
/// </summary>
internal sealed record LocalnetState(int Version, string Folder, int Suppliers, string Donated, DateTimeOffset Created,
    IReadOnlyList<LocalnetNode> Nodes)
{
    public const int CurrentVersion = 1;
    public const string FileName = "localnet.json";
    private const int MaxFileSize = 1024 * 1024;

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
    };

    public static string PathIn(string folder) => Path.Combine(folder, FileName);

    public LocalnetNode Genesis => Nodes.Single(n => n.Role == LocalnetRole.Genesis);

    public LocalnetNode? Customer => Nodes.SingleOrDefault(n => n.Role == LocalnetRole.Customer);

    /// <summary>The genesis node and the suppliers: what <c>localnet down</c> stops (the customer is the user's own node).</summary>
    public IEnumerable<LocalnetNode> NetworkNodes => Nodes.Where(n => n.Role != LocalnetRole.Customer);

    /// <summary>The localnet recorded in <paramref name="folder"/>, or null when there is none.</summary>
    public static LocalnetState? Read(string folder)
    {
        var path = PathIn(folder);
        if (!File.Exists(path))
            return null;
        if (new FileInfo(path).Length > MaxFileSize)
            throw new LocalnetException($"{path} is over {MaxFileSize} bytes: it is not a localnet file this program wrote.");
        LocalnetState? state;
        try
        {
            state = JsonSerializer.Deserialize<LocalnetState>(File.ReadAllBytes(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new LocalnetException($"{path} is damaged ({e.Message}); stop its daemons by pid and remove {folder}.");
        }
        if (state?.Nodes is null || state.Version != CurrentVersion || state.Nodes.Count(n => n.Role == LocalnetRole.Genesis) != 1)
            throw new LocalnetException($"{path} is not a version {CurrentVersion} localnet file with one genesis node.");
        return state;
    }

    public Task WriteAsync(CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(PathIn(Folder), JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions), cancellationToken: cancellationToken);

    /// <summary>This state with <paramref name="customer"/> as its only customer.</summary>
    public LocalnetState WithCustomer(LocalnetNode customer) => this with { Nodes = [.. NetworkNodes, customer] };

    /// <summary>This state with <paramref name="node"/> in place of the node of the same home (or added).</summary>
    public LocalnetState With(LocalnetNode node) => this with
    {
        Nodes = Nodes.Any(n => n.Home == node.Home) ? Nodes.Select(n => n.Home == node.Home ? node : n).ToList() : [.. Nodes, node],
    };
}
