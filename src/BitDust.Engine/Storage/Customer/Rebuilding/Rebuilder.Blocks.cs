using System.Buffers;
using BitDust.Engine.Coding;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;

namespace BitDust.Engine.Storage.Customer.Rebuilding;

/// <summary>What one version needs, and the recoding of one block.</summary>
public sealed partial class Rebuilder
{
    /// <summary>The blocks of a version to repair, their payload bytes, and the fragments that wait for a supplier.</summary>
    private sealed record VersionPlan(Manifest Manifest, IReadOnlyList<BlockPlan> Blocks, long Bytes, int Waiting);

    /// <summary>Positions to put again (<see cref="Targets"/>), and the others in the order to fetch from, likeliest first.</summary>
    private sealed record BlockPlan(long Index, int[] Targets, int[] Sources);

    /// <summary>What the catalog says of a version now, against today's family; null when it cannot be rebuilt here.</summary>
    private VersionPlan? Plan(CatalogVersion version)
    {
        if (!Manifest.TryRead(version.Manifest, storage.Keys.IdentityKey.PublicKey, out var manifest, out var error))
        {
            LogVersionSkipped(version.File.ToString(), error);
            return null;
        }
        var members = storage.Family.Members;
        var scheme = manifest.Scheme;
        var n = scheme.Total;
        if (n != members.Count)
        {
            LogVersionSkipped(version.File.ToString(), $"its scheme {scheme} does not fit today's family of {members.Count}");
            return null;
        }
        var held = Held(version.File, manifest, members);
        var blocks = new List<BlockPlan>();
        var bytes = 0L;
        var waiting = 0;
        for (var block = 0; block < manifest.Blocks.Count; block++)
        {
            var targets = new List<int>();
            for (var position = 0; position < n; position++)
            {
                if (held[block * n + position])
                    continue;
                if (members[position] is { State: not (SupplierState.Fired or SupplierState.Offline) })
                    targets.Add(position);
                else
                    waiting++;
            }
            if (targets.Count == 0)
                continue;
            // Fragments the catalog says are held by a supplier that answers first, then held by one that may not, then the rest.
            int[] sources = [.. Enumerable.Range(0, n).Where(p => !targets.Contains(p))
                .OrderBy(p => !held[block * n + p] ? 2 : members[p]!.State == SupplierState.Offline ? 1 : 0)];
            blocks.Add(new BlockPlan(block, [.. targets], sources));
            bytes += targets.Count * (long)manifest.Blocks[block].ShardLength(scheme);
        }
        return new VersionPlan(manifest, blocks, bytes, waiting);
    }

    /// <summary>
    /// By block × n + position: true where the catalog says the fragment is stored by the supplier now at its position.
    /// </summary>
    private bool[] Held(FileVersion file, Manifest manifest, IReadOnlyList<FamilyMember?> members)
    {
        var n = manifest.Scheme.Total;
        var held = new bool[manifest.Blocks.Count * n];
        foreach (var fragment in storage.Catalog.Fragments(file))
        {
            var (block, position) = (fragment.Key.BlockIndex, fragment.Key.Position);
            if (block < manifest.Blocks.Count && position < n && fragment.State == FragmentState.Stored &&
                members[position] is { State: not SupplierState.Fired } member && member.Supplier == fragment.Supplier)
                held[block * n + position] = true;
        }
        return held;
    }

    /// <summary>Rebuilds the blocks a version needs now; how many fragments could not be, and why.</summary>
    private async Task<(int Failed, List<string> Problems)> RebuildVersionAsync(CatalogVersion version, string remotePath,
        FragmentSender sender, Transfer transfer, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var failed = 0;
        if (Plan(version) is not { Blocks.Count: > 0 } plan)
            return (failed, problems);
        var manifest = plan.Manifest;
        using var key = manifest.UnwrapKey(storage.Keys.MasterKey);
        var coder = new ReedSolomon(manifest.Scheme);
        using var decoder = new BlockDecoder(manifest, key, coder);
        var source = new NetworkFragmentSource(storage.Family, storage.Options.RequestTimeout);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.BlocksInFlight, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(plan.Blocks, parallel, async (block, token) =>
        {
            var (blockFailed, problem) = await RebuildBlockAsync(decoder, coder, source, sender, block, token).ConfigureAwait(false);
            transfer.AddBytesDone(block.Targets.Length * (long)manifest.Blocks[(int)block.Index].ShardLength(manifest.Scheme));
            if (problem is null)
                return;
            lock (problems)
            {
                failed += blockFailed;
                problems.Add($"{remotePath} (version {version.File.Version}) block {block.Index}: {problem}");
            }
        }).ConfigureAwait(false);
        await FollowStateAsync(version.File, manifest, cancellationToken).ConfigureAwait(false);
        return (failed, problems);
    }

    /// <summary>Fetches k verified fragments, recodes the lost ones and puts them; the fragments not stored, and why.</summary>
    private static async Task<(int Failed, string? Problem)> RebuildBlockAsync(BlockDecoder decoder, ReedSolomon coder,
        NetworkFragmentSource source, FragmentSender sender, BlockPlan block, CancellationToken cancellationToken)
    {
        var manifest = decoder.Manifest;
        var scheme = manifest.Scheme;
        var entry = manifest.Blocks[(int)block.Index];
        var shardLength = entry.ShardLength(scheme);
        var buffer = ArrayPool<byte>.Shared.Rent(scheme.Total * shardLength);
        EncodedBlock? encoded = null;
        try
        {
            var shards = new Memory<byte>[scheme.Total];
            for (var i = 0; i < shards.Length; i++)
                shards[i] = buffer.AsMemory(i * shardLength, shardLength);
            var present = await decoder.FetchVerifiedAsync(block.Index, source, block.Sources, shards, cancellationToken)
                .ConfigureAwait(false);
            coder.Reconstruct(shards, present, shardLength);
            foreach (var target in block.Targets)
            {
                // Recoded from k verified fragments, a payload can only fail here through a bug; never send such a one.
                if (decoder.Verifier.VerifyPayload(block.Index, target, shards[target].Span) is { } wrong)
                    return (block.Targets.Length, $"fragment {target} as recoded {wrong}");
            }
            encoded = new EncodedBlock(manifest.File, block.Index, scheme, entry, buffer, shardLength, ArrayPool<byte>.Shared);
            var result = await sender.PutAsync(encoded, block.Targets, 0, null, cancellationToken).ConfigureAwait(false);
            return result.Failures.Count == 0
                ? (0, null)
                : (result.Failures.Count, string.Join("; ", result.Failures.Select(f => $"position {f.Key}: {f.Value}")));
        }
        catch (BlockUnavailableException e)
        {
            return (block.Targets.Length,
                $"only {e.Verified} of the {e.Needed} fragments needed were found intact ({string.Join("; ", e.Failures)})");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The version deleted meanwhile, a supplier's malformed answer: this block waits for the next pass.
            return (block.Targets.Length, e.Message);
        }
        finally
        {
            if (encoded is null)
                ArrayPool<byte>.Shared.Return(buffer);
            else
                encoded.Dispose();
        }
    }

    /// <summary>
    /// After a rebuild, the version's state follows what is stored now: durable once every block has its durable count of
    /// fragments, complete once every fragment is stored by the supplier at its position — and then the older versions
    /// max-copies lets go, go.
    /// </summary>
    private async Task FollowStateAsync(FileVersion file, Manifest manifest, CancellationToken cancellationToken)
    {
        if (storage.Catalog.FindVersion(file) is not { State: VersionState.Readable or VersionState.Durable } current)
            return;
        var n = manifest.Scheme.Total;
        var held = Held(file, manifest, storage.Family.Members);
        var weakest = Enumerable.Range(0, manifest.Blocks.Count).Select(b => held.AsSpan(b * n, n).Count(true)).DefaultIfEmpty(n).Min();
        var state = weakest == n ? VersionState.Complete
            : weakest >= manifest.Scheme.DurableCount(storage.Options.DurableMargin) ? VersionState.Durable
            : VersionState.Readable;
        if (state == current.State)
            return;
        storage.Catalog.SetVersionState(file, state);
        if (state == VersionState.Complete)
            await storage.PruneAsync(file.FileId, cancellationToken).ConfigureAwait(false);
    }
}
