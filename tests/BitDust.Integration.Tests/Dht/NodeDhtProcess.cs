using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BitDust.Integration.Tests.Dht;

/// <summary>
/// The npm bittorrent-dht node of tests/interop/dht, run as a child process and driven by JSON lines.
/// Installs its node_modules with "npm ci" when they are missing; killed by pid on dispose.
/// </summary>
internal sealed class NodeDhtProcess : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;

    private NodeDhtProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<NodeDhtProcess> StartAsync()
    {
        var directory = FindInteropDirectory();
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "bittorrent-dht")))
        {
            await RunAsync("npm", "ci --no-audit --no-fund", directory,
                "npm is needed to install tests/interop/dht (npm ci --prefix tests/interop/dht)");
        }
        var start = new ProcessStartInfo("node", Path.Combine(directory, "dht-node.mjs"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        var process = StartOrExplain(start, "Node.js 20 (the \"node\" command) is needed for the bittorrent-dht interop test");
        var ready = await ReadAnswerAsync(process);
        return new NodeDhtProcess(process, ready["port"]!.GetValue<int>());
    }

    public async Task<JsonObject> CommandAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command)).WaitAsync(AnswerTimeout);
        await _process.StandardInput.FlushAsync().WaitAsync(AnswerTimeout);
        var answer = await ReadAnswerAsync(_process);
        if (answer["error"] is { } error)
            throw new InvalidOperationException($"bittorrent-dht refused {JsonSerializer.Serialize(command)}: {error}");
        return answer;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            Process.GetProcessById(_process.Id).Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(AnswerTimeout);
        _process.Dispose();
    }

    private static async Task<JsonObject> ReadAnswerAsync(Process process)
    {
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(AnswerTimeout) ?? throw new InvalidOperationException(
                $"the bittorrent-dht process exited: {await process.StandardError.ReadToEndAsync().WaitAsync(AnswerTimeout)}");
            var answer = JsonNode.Parse(line)!.AsObject();
            if (answer["event"]?.GetValue<string>() != "error")
                return answer;
        }
    }

    private static async Task RunAsync(string command, string arguments, string directory, string explanation)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        using var process = StartOrExplain(start, explanation);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{explanation}; \"{command} {arguments}\" failed: {await output}{await errors}");
    }

    private static Process StartOrExplain(ProcessStartInfo start, string explanation)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException(explanation);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{explanation}: {e.Message}", e);
        }
    }

    private static string FindInteropDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "interop", "dht");
            if (File.Exists(Path.Combine(candidate, "package.json")))
                return candidate;
        }
        throw new DirectoryNotFoundException($"tests/interop/dht was not found above {AppContext.BaseDirectory}.");
    }
}
