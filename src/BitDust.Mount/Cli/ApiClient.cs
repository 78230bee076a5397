using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BitDust.Engine.Common;
using BitDust.Engine.Host.Api;

namespace BitDust.Mount.Cli;

/// <summary>The CLI's way to the running daemon: its REST API, with the token and port found in the home.</summary>
internal sealed class ApiClient(NodeHome home) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Null when no daemon runs in this home (no port file, or nothing answers).</summary>
    public Uri? BaseAddress => int.TryParse(ReadPortFile(), out var port) ? new Uri($"http://127.0.0.1:{port}") : null;

    /// <summary>The port file's text, or null when there is none (a node that is stopping removes it at any moment).</summary>
    private string? ReadPortFile()
    {
        try
        {
            return File.ReadAllText(home.ApiPortFile).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (ok, _) = await SendAsync(HttpMethod.Get, "/process/health/v1", null, cancellationToken).ConfigureAwait(false);
            return ok;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Calls an endpoint; returns whether the answer's status is OK, and the whole JSON answer.</summary>
    public async Task<(bool Ok, JsonNode? Answer)> SendAsync(HttpMethod method, string path, string? json, CancellationToken cancellationToken)
    {
        var (_, ok, answer) = await CallAsync(method, path, json, cancellationToken).ConfigureAwait(false);
        return (ok, answer);
    }

    /// <summary>As <see cref="SendAsync"/>, with the HTTP status, which tells bad input (400) from other failures.</summary>
    public async Task<(HttpStatusCode Status, bool Ok, JsonNode? Answer)> CallAsync(HttpMethod method, string path, string? json,
        CancellationToken cancellationToken)
    {
        var baseAddress = BaseAddress ?? throw new HttpRequestException($"no node is running in {home.Root} (start one with: bitdust daemon)");
        using var request = new HttpRequestMessage(method, new Uri(baseAddress, path));
        if (ApiToken.TryRead(home) is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue(ApiToken.Scheme, token);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? answer;
        try
        {
            answer = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            answer = JsonValue.Create(body);
        }
        return (response.StatusCode, answer?["status"]?.GetValue<string>() == "OK", answer);
    }

    public void Dispose() => _http.Dispose();
}
