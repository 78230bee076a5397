using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace BitDust.Engine.Identity;

/// <summary>
/// Talks to identity servers: publishes documents (HTTP POST, or framed TCP) and fetches them by identity URL, verifying what
/// comes back. Thread-safe; the <see cref="HttpClient"/> stays the caller's, and so does its timeout.
/// </summary>
public sealed class IdentityClient(HttpClient http)
{
    private static readonly MediaTypeHeaderValue DocumentType = new("application/json");

    /// <summary>Publishes <paramref name="document"/> to every server at once; one result per server, in order.</summary>
    public async Task<IReadOnlyList<PublishResult>> PublishAsync(IdentityDocument document, IEnumerable<IdentityServerAddress> servers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(servers);
        return await Task.WhenAll(servers.Select(server => PublishToAsync(document, server, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Publishes <paramref name="document"/> to one server over HTTP. Never throws for network trouble: it is a result.</summary>
    public async Task<PublishResult> PublishToAsync(IdentityDocument document, IdentityServerAddress server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var content = new ReadOnlyMemoryContent(document.Encoded);
        content.Headers.ContentType = DocumentType;
        try
        {
            using var response = await http.PostAsync(server.WebBase, content, cancellationToken).ConfigureAwait(false);
            var body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
            var answer = TryReadAnswer(body);
            if (answer is null)
                return new(server, PublishOutcome.Failed, $"HTTP {(int)response.StatusCode} with no identity server answer");
            return new(server, answer.Outcome, answer.Reason);
        }
        catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
        {
            return new(server, PublishOutcome.Failed, e.Message);
        }
    }

    /// <summary>Publishes <paramref name="document"/> to one server over its TCP port.</summary>
    public static async Task<PublishResult> PublishOverTcpAsync(IdentityDocument document, IdentityServerAddress server,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(server.Host, server.TcpPort, cancellationToken).ConfigureAwait(false);
            var stream = tcp.GetStream();
            await IdentityFrame.WriteAsync(stream, document.Encoded, cancellationToken).ConfigureAwait(false);
            var frame = await IdentityFrame.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
            var answer = frame.Payload is null ? null : TryReadAnswer(frame.Payload);
            return answer is null
                ? new(server, PublishOutcome.Failed, frame.Error ?? "the server closed the connection without an answer")
                : new(server, answer.Outcome, answer.Reason);
        }
        catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
        {
            return new(server, PublishOutcome.Failed, e.Message);
        }
    }

    /// <summary>Fetches the identity of <paramref name="name"/> from <paramref name="server"/>.</summary>
    public Task<IdentityDocument> FetchAsync(IdentityServerAddress server, string name, CancellationToken cancellationToken)
    {
        if (IdentityName.Validate(name) is { } problem)
            throw new ArgumentException(problem, nameof(name));
        return FetchAsync(server.IdentityUrl(name), cancellationToken);
    }

    /// <summary>
    /// Fetches the document at <paramref name="identityUrl"/> (<c>http://host:port/name.xml</c>) and returns it only if it is
    /// validly signed and is the identity of the name in the URL; otherwise throws <see cref="IdentityFetchException"/>.
    /// </summary>
    public async Task<IdentityDocument> FetchAsync(Uri identityUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityUrl);
        if (!IdentityUrls.TryGetName(identityUrl, out var name, out var urlError))
            throw new ArgumentException(urlError, nameof(identityUrl));
        byte[]? body;
        try
        {
            using var response = await http.GetAsync(identityUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new IdentityFetchException($"Identity server answered HTTP {(int)response.StatusCode} for {identityUrl}.");
            body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsNetworkFailure(e, cancellationToken))
        {
            throw new IdentityFetchException($"Cannot fetch {identityUrl}: {e.Message}", e);
        }
        if (body is null)
            throw new IdentityFetchException($"The document at {identityUrl} is over {IdentityDocument.MaxSize} bytes.");
        if (!IdentityDocument.TryParse(body, out var document, out var error))
            throw new IdentityFetchException($"The document at {identityUrl} was refused: {error}.");
        if (!string.Equals(document.Name, name, StringComparison.Ordinal))
            throw new IdentityFetchException($"The document at {identityUrl} is the identity of {document.Name}, not of {name}.");
        return document;
    }

    /// <summary>The body, or null when it is over the document size bound; read no further than that.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > IdentityDocument.MaxSize)
            return null;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[IdentityDocument.MaxSize + 1];
            var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return length > IdentityDocument.MaxSize ? null : buffer[..length];
        }
    }

    private static PublishAnswer? TryReadAnswer(byte[]? body)
    {
        if (body is null or { Length: 0 })
            return null;
        try
        {
            return JsonSerializer.Deserialize(body, IdentityJsonContext.Default.PublishAnswer);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The caller's own cancellation propagates; a timeout inside HttpClient or a dead server becomes a result.
    private static bool IsNetworkFailure(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or IOException or SocketException ||
        (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}
