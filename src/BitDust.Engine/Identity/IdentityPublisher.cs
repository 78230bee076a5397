using BitDust.Engine.Common;
using BitDust.Engine.Crypto;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Identity;

/// <summary>
/// Keeps the owner's identity current on its identity servers: when the contacts change (a new IP or port), it signs revision
/// + 1, saves it to <see cref="DocumentPath"/>, and publishes it to every server in the document, retrying servers that
/// cannot be reached with exponential backoff. Updates are serialised, so revisions leave in order.
/// </summary>
public sealed class IdentityPublisher : IDisposable
{
    private readonly IdentityKey _key;
    private readonly IdentityClient _client;
    private readonly PublishRetry _retry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _updating = new(1, 1);

    public IdentityPublisher(IdentityKey key, IdentityDocument current, string documentPath, IdentityClient client, PublishRetry? retry = null,
        TimeProvider? time = null, ILogger<IdentityPublisher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentException.ThrowIfNullOrEmpty(documentPath);
        if (!key.PublicKey.Equals(current.PublicKey))
            throw new ArgumentException($"The identity of {current.Name} is not signed by this key.", nameof(key));
        _key = key;
        Current = current;
        DocumentPath = documentPath;
        _client = client;
        _retry = retry ?? PublishRetry.Default;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<IdentityPublisher>.Instance;
    }

    /// <summary>The latest revision signed.</summary>
    public IdentityDocument Current { get; private set; }

    /// <summary>Where the owner's own document is kept (written atomically).</summary>
    public string DocumentPath { get; }

    /// <summary>
    /// Signs, saves and publishes a new revision when <paramref name="contacts"/> differ from the current ones; otherwise
    /// publishes nothing. Completes when every server stored the document, refused it, or ran out of attempts.
    /// </summary>
    public async Task<IdentityPublication> UpdateContactsAsync(IReadOnlyList<string> contacts, CancellationToken cancellationToken)
    {
        await _updating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IdentityContacts.AreSame(Current.Contacts, contacts))
                return new IdentityPublication(Current, Changed: false, []);
            var next = Current.WithContacts(_key, contacts, _time.GetUtcNow());
            await AtomicFile.WriteAsync(DocumentPath, next.Encoded, cancellationToken: cancellationToken).ConfigureAwait(false);
            Current = next;
            var results = await PublishAsync(next, cancellationToken).ConfigureAwait(false);
            return new IdentityPublication(next, Changed: true, results);
        }
        finally
        {
            _updating.Release();
        }
    }

    /// <summary>Publishes <paramref name="document"/> to each of its servers, retrying failures; one result per server.</summary>
    public async Task<IReadOnlyList<PublishResult>> PublishAsync(IdentityDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        return await Task.WhenAll(document.Servers.Select(server => PublishWithRetryAsync(document, server, cancellationToken)))
            .ConfigureAwait(false);
    }

    public void Dispose() => _updating.Dispose();

    private async Task<PublishResult> PublishWithRetryAsync(IdentityDocument document, IdentityServerAddress server,
        CancellationToken cancellationToken)
    {
        var delay = _retry.FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            var result = await _client.PublishToAsync(document, server, cancellationToken).ConfigureAwait(false);
            if (result.Outcome != PublishOutcome.Failed)
            {
                _logger.Published(document, server, result.Outcome);
                return result;
            }
            _logger.PublishFailed(document, server, attempt, result.Reason);
            if (attempt >= _retry.MaxAttempts)
                return result;
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _retry.MaxDelay.Ticks));
        }
    }
}
