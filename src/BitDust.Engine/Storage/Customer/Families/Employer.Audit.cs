using System.Security.Cryptography;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Protocol;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>
/// Audits: each member is asked, for a few fragments the catalog says it stores, for SHA-256(fresh random nonce ‖ the stored
/// bytes) — which its supplier computes from its disk — and for the fragment itself. The fragment must be the one written
/// (every header byte, the GMAC tag the signed manifest holds for it, the SHA-256 it answered when it stored it), and the
/// proof must be the hash of the nonce and exactly those bytes. So a flipped byte or a dropped fragment is caught, and the
/// customer needs only its keys and catalog, never a copy of the file.
/// </summary>
public sealed partial class Employer
{
    private const int NonceLength = 32;

    private enum Verdict
    {
        Intact,
        Damaged,
        NotHeld,
        Unreachable,
        Forgotten,
    }

    /// <summary>Audits every member at once; damaged or missing fragments are marked for the rebuild, and repeat offenders fired.</summary>
    public async Task<IReadOnlyList<AuditReport>> AuditAllAsync(CancellationToken cancellationToken)
    {
        using var verifiers = new Verifiers(_storage);
        var reports = await Task.WhenAll(Family.Members.Select((member, position) =>
            AuditAsync(position, member, verifiers, cancellationToken))).ConfigureAwait(false);
        if (reports.Any(r => r.Action is not null))
            await FillAsync(cancellationToken).ConfigureAwait(false);
        if (reports.Any(r => r.Outcome == AuditOutcome.Failed))
            _requestRebuild();
        return reports;
    }

    private async Task<AuditReport> AuditAsync(int position, FamilyMember? member, Verifiers verifiers,
        CancellationToken cancellationToken)
    {
        if (member is not { State: not SupplierState.Fired })
            return Skipped(position, member, member is null ? "nobody holds this position" : "fired; its position waits for a replacement");
        var sample = _storage.Catalog.SampleStoredFragments(position, member.Supplier, _options.FragmentsPerAudit);
        if (sample.Count == 0)
            return Skipped(position, member, "it stores nothing to audit yet");
        var problems = new List<string>();
        var checkedCount = 0;
        var notHeld = 0;
        foreach (var fragment in sample)
        {
            var (verdict, problem) = await CheckAsync(position, fragment, verifiers, cancellationToken).ConfigureAwait(false);
            if (verdict == Verdict.Unreachable)
                return Skipped(position, member, problem!);
            if (verdict == Verdict.Forgotten)
                continue;
            checkedCount++;
            if (verdict == Verdict.Intact)
                continue;
            problems.Add(problem!);
            notHeld += verdict == Verdict.NotHeld ? 1 : 0;
            _storage.Catalog.RecordFragment(fragment.Key, fragment.Supplier, fragment.Hash,
                verdict == Verdict.NotHeld ? FragmentState.Missing : FragmentState.Bad);
        }
        var now = DateTimeOffset.UtcNow;
        if (checkedCount == 0)
            return Skipped(position, member, "the fragments sampled were deleted meanwhile");
        Family.RecordAudit(position, problems.Count == 0, now);
        if (problems.Count == 0)
        {
            lock (_failedAudits)
                _failedAudits.Remove(member.Supplier);
            return new AuditReport(position, member.Supplier, AuditOutcome.Passed, checkedCount, [], null);
        }
        var inARow = CountFailure(member);
        LogAuditFailed(member.Supplier, position, string.Join("; ", problems));
        var reason = notHeld == checkedCount ? await ContractLostAsync(position, member, cancellationToken).ConfigureAwait(false) : null;
        if (reason is null && inARow >= _options.FailedAuditsToFire)
            reason = $"failed {inARow} audits in a row";
        string? action = null;
        if (reason is not null && await FireAsync(position, reason, cancellationToken).ConfigureAwait(false) is not null)
            action = $"fired: {reason}";
        return new AuditReport(position, member.Supplier, AuditOutcome.Failed, checkedCount, problems, action);
    }

    /// <summary>Checks one fragment on its member; the problem names the fragment.</summary>
    private async Task<(Verdict Verdict, string? Problem)> CheckAsync(int position, CatalogFragment fragment, Verifiers verifiers,
        CancellationToken cancellationToken)
    {
        if (verifiers.For(fragment.Key.File) is not { } verifier)
            return (Verdict.Forgotten, null);
        var family = Family;
        var key = fragment.Key;
        var nonce = RandomNumberGenerator.GetBytes(NonceLength);
        var proof = await family.AskAsync(position, (client, token) => client.AuditAsync(key, nonce, token), _options.RequestTimeout,
            cancellationToken).ConfigureAwait(false);
        if (proof is { Succeeded: false, Refused: false })
            return (Verdict.Unreachable, proof.Reason);
        var fetched = await family.AskAsync(position, (client, token) => client.GetFragmentAsync(key, token), _options.RequestTimeout,
            cancellationToken).ConfigureAwait(false);
        // A refused get is the supplier stopping, not a verdict on the fragment.
        if (!fetched.Succeeded)
            return (Verdict.Unreachable, fetched.Reason);
        if (fetched.Value is not { } stored)
            return (Verdict.NotHeld, $"{key}: it does not hold it any more");
        if (verifier.VerifyStored(key.ToAddress(), stored) is { } damage)
            return (Verdict.Damaged, $"{key}: {damage}");
        if (fragment.Hash is { } hash && !CryptographicOperations.FixedTimeEquals(SHA256.HashData(stored), hash))
            return (Verdict.Damaged, $"{key}: its bytes are not the ones it answered for when it stored them");
        if (proof.Value is not { } answer)
            return (Verdict.Damaged, $"{key}: it serves the fragment but refused to prove it holds it ({proof.Reason})");
        using var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        expected.AppendData(nonce);
        expected.AppendData(stored);
        return CryptographicOperations.FixedTimeEquals(expected.GetHashAndReset(), answer)
            ? (Verdict.Intact, null)
            : (Verdict.Damaged, $"{key}: its proof over a fresh nonce is not the hash of the bytes it serves");
    }

    /// <summary>
    /// When a member holds none of the fragments sampled: asking for the same space again is a no-op for a live contract and
    /// answers with the bytes used, so zero used means the contract, and everything with it, is gone. Null when it is not.
    /// </summary>
    private async Task<string?> ContractLostAsync(int position, FamilyMember member, CancellationToken cancellationToken)
    {
        var grant = await Family.AskAsync(position, (client, token) => client.RequestSpaceAsync(member.QuotaBytes, token),
            _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return grant.Value is { UsedBytes: 0 } ? "it keeps nothing for this customer any more (its contract was dropped)" : null;
    }

    private int CountFailure(FamilyMember member)
    {
        lock (_failedAudits)
        {
            // After a restart, the failure the catalog remembers counts as the one before.
            var before = _failedAudits.TryGetValue(member.Supplier, out var count) ? count : member.AuditPassed == false ? 1 : 0;
            return _failedAudits[member.Supplier] = before + 1;
        }
    }

    private static AuditReport Skipped(int position, FamilyMember? member, string reason) =>
        new(position, member?.Supplier, AuditOutcome.Skipped, 0, [reason], null);

    [LoggerMessage(EventId = 3500, Level = LogLevel.Warning,
        Message = "supplier {Supplier} at position {Position} failed its audit: {Problems}")]
    private partial void LogAuditFailed(string supplier, int position, string problems);

    /// <summary>The verifier of each version audited in one round, made once from its manifest and data key.</summary>
    private sealed class Verifiers(CustomerStorage storage) : IDisposable
    {
        private readonly Dictionary<FileVersion, (FragmentVerifier Verifier, DataKey Key)?> _byVersion = [];

        /// <summary>Null when the version is gone from the catalog (deleted since it was sampled) or has no manifest.</summary>
        public FragmentVerifier? For(FileVersion file)
        {
            lock (_byVersion)
            {
                if (!_byVersion.TryGetValue(file, out var made))
                {
                    made = storage.Catalog.FindVersion(file) is { Manifest: { } signed } &&
                        Manifest.TryRead(signed, storage.Keys.IdentityKey.PublicKey, out var manifest, out _)
                        ? Make(manifest)
                        : null;
                    _byVersion[file] = made;
                }
                return made?.Verifier;
            }
        }

        private (FragmentVerifier, DataKey) Make(Manifest manifest)
        {
            var key = manifest.UnwrapKey(storage.Keys.MasterKey);
            return (new FragmentVerifier(manifest, key), key);
        }

        public void Dispose()
        {
            foreach (var made in _byVersion.Values.OfType<(FragmentVerifier Verifier, DataKey Key)>())
            {
                made.Verifier.Dispose();
                made.Key.Dispose();
            }
        }
    }
}
