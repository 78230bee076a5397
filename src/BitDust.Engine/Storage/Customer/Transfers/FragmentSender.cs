using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Protocol;

namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>
/// Puts the fragments of encoded blocks to the family, fragment i to position i, all positions at once. A fragment counts
/// only when the supplier answers with the SHA-256 of exactly the bytes sent. One sender serves one job: a position that
/// failed <see cref="GiveUpAfter"/> times in a row is not asked again during it, and its fragments are recorded missing for
/// the rebuild, so a dead supplier does not slow every block down.
/// </summary>
internal sealed class FragmentSender(Family family, TimeSpan requestTimeout, Catalog? catalog, Transfer? transfer)
{
    public const int GiveUpAfter = 3;

    private readonly int[] _failuresInARow = new int[family.Size];
    private readonly string?[] _lastFailure = new string?[family.Size];

    /// <summary>
    /// Puts the fragments of <paramref name="block"/> at <paramref name="positions"/>. <paramref name="alreadyStored"/> others are
    /// stored from before; <paramref name="onStored"/> hears the count stored so far after each one that is (once per count).
    /// Cancellation is thrown, nothing recorded.
    /// </summary>
    public async Task<BlockPutResult> PutAsync(EncodedBlock block, IReadOnlyList<int> positions, int alreadyStored, Action<int>? onStored,
        CancellationToken cancellationToken)
    {
        var stored = alreadyStored;
        var failures = new SortedDictionary<int, string>();
        var puts = positions.Select(async position =>
        {
            var problem = await PutOneAsync(block, position, cancellationToken).ConfigureAwait(false);
            if (problem is null)
            {
                // Counted first: with no listener, ?.Invoke would skip its argument, and the increment with it.
                var count = Interlocked.Increment(ref stored);
                onStored?.Invoke(count);
                return;
            }
            lock (failures)
                failures[position] = problem;
        }).ToList();
        await Task.WhenAll(puts).ConfigureAwait(false);
        return new BlockPutResult(stored, failures);
    }

    /// <summary>Null when stored, else the reason (recorded as the fragment's state).</summary>
    private async Task<string?> PutOneAsync(EncodedBlock block, int position, CancellationToken cancellationToken)
    {
        var key = new FragmentKey(block.File, block.Index, position);
        var member = family.MemberAt(position);
        var supplier = member?.Supplier ?? "";
        string? problem;
        byte[]? hash = null;
        if (Volatile.Read(ref _failuresInARow[position]) >= GiveUpAfter)
        {
            problem = $"not sent: it failed {GiveUpAfter} times in a row (last: {_lastFailure[position]})";
        }
        else
        {
            var fragment = block.ToFragmentBytes(position);
            var answer = await family.AskAsync(position, (client, token) => client.PutFragmentAsync(key, fragment, token), requestTimeout,
                cancellationToken).ConfigureAwait(false);
            // SupplierClient has checked that the answer is the SHA-256 of exactly these bytes.
            hash = answer.Value;
            problem = answer.Problem;
            if (problem is null)
            {
                if (catalog is not null)
                    CrashPoint.Pass(CrashPoint.FragmentStored);
                Volatile.Write(ref _failuresInARow[position], 0);
                transfer?.AddFragmentSent();
            }
            else
            {
                Interlocked.Increment(ref _failuresInARow[position]);
                _lastFailure[position] = problem;
            }
        }
        catalog?.RecordFragment(key, supplier, hash, problem is null ? FragmentState.Stored : FragmentState.Missing);
        return problem;
    }
}
