using System.Diagnostics.CodeAnalysis;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Storage.Protocol;

namespace BitDust.Engine.Storage.Supplier;

/// <summary>
/// The supplier's side of the storage protocol: each message kind parsed, answered from the <see cref="FragmentStore"/> for
/// the customer the connection authenticated, and every "no" (a malformed request, a refusal of the store) sent back as a
/// request error whose text is the reason.
/// </summary>
public static class SupplierHandlers
{
    public static void Map(TransportHandlers handlers, FragmentStore store)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(store);
        handlers
            .MapRequest(StorageWire.SpaceOffer, Answer(StorageWire.SpaceOffer, (_, body, _) =>
            {
                Check(StorageWire.TryReadEmpty(body.Span, "space offer", out var error), error);
                return Done(SpaceMessages.EncodeOffer(store.Offer()));
            }))
            .MapRequest(StorageWire.SpaceRequest, Answer(StorageWire.SpaceRequest, (who, body, _) =>
            {
                Check(SpaceMessages.TryReadRequest(body.Span, out var quota, out var error), error);
                return Done(SpaceMessages.EncodeGrant(store.RequestSpace(who, quota)));
            }))
            .MapRequest(StorageWire.SpaceRelease, Answer(StorageWire.SpaceRelease, (who, body, _) =>
            {
                Check(StorageWire.TryReadEmpty(body.Span, "space release", out var error), error);
                store.Release(who);
                return Done(StorageWire.Empty());
            }))
            .MapRequest(StorageWire.FragmentPut, Answer(StorageWire.FragmentPut, async (who, body, cancellationToken) =>
            {
                Check(FragmentMessages.TryReadPut(body, out var put, out var error), error);
                var hash = await store.PutAsync(who, put.Key, put.Fragment, cancellationToken).ConfigureAwait(false);
                return FragmentMessages.EncodeHash(hash);
            }))
            .MapRequest(StorageWire.FragmentGet, Answer(StorageWire.FragmentGet, async (who, body, cancellationToken) =>
            {
                Check(FragmentMessages.TryReadKey(body.Span, out var key, out var error), error);
                var bytes = await store.GetAsync(who, key, cancellationToken).ConfigureAwait(false);
                return FragmentMessages.EncodeMaybe(bytes);
            }))
            .MapRequest(StorageWire.FragmentList, Answer(StorageWire.FragmentList, (who, body, _) =>
            {
                Check(FragmentMessages.TryReadListQuery(body.Span, out var query, out var error), error);
                return Done(FragmentMessages.EncodePage(store.List(who, query)));
            }))
            .MapRequest(StorageWire.FragmentDelete, Answer(StorageWire.FragmentDelete, (who, body, _) =>
            {
                Check(FragmentMessages.TryReadFile(body.Span, out var file, out var error), error);
                return Done(FragmentMessages.EncodeCount(store.Delete(who, file)));
            }))
            .MapRequest(StorageWire.FragmentAudit, Answer(StorageWire.FragmentAudit, async (who, body, cancellationToken) =>
            {
                Check(FragmentMessages.TryReadAudit(body.Span, out var audit, out var error), error);
                var proof = await store.AuditAsync(who, audit.Key, audit.Nonce, cancellationToken).ConfigureAwait(false);
                return FragmentMessages.EncodeHash(proof);
            }))
            .MapRequest(StorageWire.MetaPut, Answer(StorageWire.MetaPut, (who, body, _) =>
            {
                Check(MetaMessages.TryReadPut(body, out var put, out var error), error);
                // A family record is put back into the DHT by this supplier: only a readable, signed one is kept.
                if (put.Name == FamilyMeta.MetaName && FamilyMeta.Validate(put.Value.Span) is { } problem)
                    Check(false, $"family record: {problem}");
                store.PutMeta(who, put.Name, put.Value.Span);
                return Done(StorageWire.Empty());
            }))
            .MapRequest(StorageWire.MetaGet, Answer(StorageWire.MetaGet, (who, body, _) =>
            {
                Check(MetaMessages.TryReadGet(body.Span, out var name, out var error), error);
                var value = store.GetMeta(who, name);
                return Done(FragmentMessages.EncodeMaybe(value));
            }))
            .MapRequest(StorageWire.Ping, Answer(StorageWire.Ping, (_, body, _) =>
            {
                Check(StorageWire.TryReadEmpty(body.Span, "ping", out var error), error);
                return Done(StorageWire.Empty());
            }));
    }

    /// <summary>Stops answering the storage protocol: a stopped supplier says "no handler" to every kind.</summary>
    public static void Unmap(TransportHandlers handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        foreach (var kind in StorageWire.Kinds)
            handlers.UnmapRequest(kind);
    }

    private delegate ValueTask<byte[]> StorageHandler(CustomerIdentity who, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);

    private static RequestHandler Answer(string kind, StorageHandler handler) => async (request, cancellationToken) =>
    {
        var who = new CustomerIdentity(request.Connection.PeerKey.Fingerprint, request.Peer);
        try
        {
            return await handler(who, request.Payload, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreRefusedException e)
        {
            throw new RequestRefusedException(e.Reason);
        }
        catch (BadRequestException e)
        {
            throw new RequestRefusedException($"bad {kind} request: {e.Message}");
        }
    };

    private static ValueTask<byte[]> Done(byte[] answer) => ValueTask.FromResult(answer);

    private static void Check([DoesNotReturnIf(false)] bool parsed, string? error)
    {
        if (!parsed)
            throw new BadRequestException(error ?? "malformed");
    }

    private sealed class BadRequestException(string message) : Exception(message);
}
