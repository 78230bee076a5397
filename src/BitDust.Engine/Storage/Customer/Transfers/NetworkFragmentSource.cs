using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Protocol;

namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>
/// Fragments from the family: position i is asked of the supplier at position i. The stored header must name the very
/// fragment asked for and the payload length the manifest implies; the decoder then checks the payload's tag. Reasons for a
/// failure name the supplier, so an unreadable block says who did not deliver.
/// </summary>
public sealed class NetworkFragmentSource(Family family, TimeSpan requestTimeout) : IFragmentSource
{
    public async ValueTask<string?> ReadAsync(FragmentAddress address, Memory<byte> payload, CancellationToken cancellationToken)
    {
        var key = FragmentKey.From(address);
        var answer = await family.AskAsync(address.FragmentIndex, (client, token) => client.GetFragmentAsync(key, token), requestTimeout,
            cancellationToken).ConfigureAwait(false);
        if (answer.Reason is { } reason)
            return reason;
        if (answer.Value is not { } stored)
            return "the supplier does not hold it";
        if (FragmentHeader.CheckStored(stored, address, payload.Length) is { } problem)
            return problem;
        stored.AsSpan(FragmentHeader.Size).CopyTo(payload.Span);
        return null;
    }

    public string Describe(int fragmentIndex) => family.Describe(fragmentIndex);
}
