using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace BitDust.Integration.Tests.Storage;

/// <summary>
/// A stand-in for a node's REST API on loopback, answering from a handler, with the port and token written into a fresh home as
/// a daemon would: the CLI's verbs are tested against the storage contract without the services behind it.
/// </summary>
internal sealed class FakeNodeApi : IAsyncDisposable
{
    private const string Token = "fake-token";
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerRequest, string, (int Status, JsonNode Answer)> _handle;
    private readonly Task _serving;

    private FakeNodeApi(Func<HttpListenerRequest, string, (int Status, JsonNode Answer)> handle)
    {
        _handle = handle;
        Cli = BitDustCli.WithFreshHome();
        var port = BitDustCli.FreePort(ProtocolType.Tcp);
        _listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Start();
        File.WriteAllText(Path.Combine(Cli.Home, "api-port"), port.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(Cli.Home, "api-token"), Token);
        _serving = ServeAsync();
    }

    /// <summary>The CLI pointed at this fake node.</summary>
    public BitDustCli Cli { get; }

    /// <summary>Every request as "METHOD /path?query body".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Serves <paramref name="handle"/>(request, body) until disposed; it returns an HTTP status and the envelope.</summary>
    public static FakeNodeApi Start(Func<HttpListenerRequest, string, (int Status, JsonNode Answer)> handle) => new(handle);

    public static (int, JsonNode) Ok(JsonNode result) => (200, new JsonObject { ["status"] = "OK", ["result"] = result.DeepClone() });

    public static (int, JsonNode) Error(int status, string message) =>
        (status, new JsonObject { ["status"] = "ERROR", ["errors"] = new JsonArray(message) });

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            Requests.Enqueue($"{context.Request.HttpMethod} {context.Request.Url!.PathAndQuery} {body}".TrimEnd());
            var (status, answer) = context.Request.Headers["Authorization"] != $"Bearer {Token}"
                ? Error(401, "no token")
                : Handle(context.Request, body);
            var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    // A handler that throws answers 500 with the exception, so the test fails with it instead of waiting for a silent server.
    private (int Status, JsonNode Answer) Handle(HttpListenerRequest request, string body)
    {
        try
        {
            return _handle(request, body);
        }
        catch (Exception e)
        {
            return Error(500, $"the fake node's handler threw: {e}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _listener.Stop();
            _listener.Close();
            await _serving;
        }
        finally
        {
            await Cli.DisposeAsync();
        }
    }
}
