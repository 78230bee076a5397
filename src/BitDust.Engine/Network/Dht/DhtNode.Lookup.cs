namespace BitDust.Engine.Network.Dht;

public sealed partial class DhtNode
{
    /// <summary>Finds the nodes closest to <paramref name="target"/> by an iterative find_node lookup.</summary>
    public Task<DhtLookupResult> FindNodeAsync(NodeId target, CancellationToken cancellationToken) =>
        LookupAsync(target, "find_node", "target", onAnswer: null, cancellationToken);

    /// <summary>
    /// The iterative Kademlia lookup: keep <see cref="DhtOptions.Parallelism"/> queries in flight to the closest
    /// candidates not yet asked, learn closer nodes from each answer, and stop when the k closest candidates have
    /// all answered or failed — or when <paramref name="onAnswer"/> says it has what it came for.
    /// <para>
    /// A lookup for a value (<paramref name="found"/> given) that ends with nothing found asks the next k candidates too: the
    /// nodes that took the value are the k closest its publisher's lookup found, and in a young or churning network two
    /// lookups can end on sets a few nodes apart.
    /// </para>
    /// </summary>
    private async Task<DhtLookupResult> LookupAsync(NodeId target, string method, string targetKey,
        Func<DhtContact, KrpcMessage, bool>? onAnswer, CancellationToken cancellationToken, Func<bool>? found = null)
    {
        var distance = Comparer<Candidate>.Create((a, b) => NodeId.CompareDistance(target, a.Contact.Id, b.Contact.Id));
        var candidates = new Dictionary<NodeId, Candidate>();
        foreach (var contact in ClosestContacts(target, RoutingTable.BucketSize))
            candidates[contact.Id] = new Candidate(contact, Hop: 1);
        var inFlight = new Dictionary<Task<KrpcMessage?>, Candidate>();
        var queries = 0;
        var done = false;
        var width = RoutingTable.BucketSize;
        while (!done)
        {
            var nearest = candidates.Values.Where(c => c.State != CandidateState.Failed).Order(distance)
                .Take(width);
            foreach (var candidate in nearest.Where(c => c.State == CandidateState.Waiting))
            {
                if (inFlight.Count >= _options.Parallelism)
                    break;
                candidate.State = CandidateState.Asked;
                var arguments = new BencodeDictionary { { targetKey, target.Bytes } };
                inFlight[QueryAsync(candidate.Contact, method, arguments, cancellationToken)] = candidate;
                queries++;
            }
            if (inFlight.Count == 0)
            {
                if (found is null || found() || width > RoutingTable.BucketSize)
                    break;
                width = 2 * RoutingTable.BucketSize;
                continue;
            }
            var finished = await Task.WhenAny(inFlight.Keys).ConfigureAwait(false);
            var asked = inFlight[finished];
            inFlight.Remove(finished);
            var answer = await finished.ConfigureAwait(false);
            if (answer is not { Kind: KrpcMessageKind.Response })
            {
                asked.State = CandidateState.Failed;
                continue;
            }
            asked.State = CandidateState.Answered;
            asked.Token = answer.Body.TryGetBytes("token", out var token) ? token : null;
            if (answer.Body.TryGetBytes("nodes", out var nodes) && CompactInfo.TryDecodeNodes(nodes, out var learned))
            {
                foreach (var contact in learned.Where(c => c.Id != NodeId && !candidates.ContainsKey(c.Id)))
                    candidates[contact.Id] = new Candidate(contact, asked.Hop + 1);
            }
            done = onAnswer is not null && onAnswer(asked.Contact, answer);
        }
        var closest = candidates.Values.Where(c => c.State == CandidateState.Answered).Order(distance)
            .Take(RoutingTable.BucketSize).ToList();
        return new DhtLookupResult(closest.Select(c => c.Contact).ToList(), closest.Count == 0 ? 0 : closest[0].Hop, queries)
        {
            Tokens = closest.Where(c => c.Token is not null).ToDictionary(c => c.Contact.Id, c => c.Token!),
        };
    }

    private enum CandidateState
    {
        Waiting,
        Asked,
        Answered,
        Failed,
    }

    private sealed record Candidate(DhtContact Contact, int Hop)
    {
        public CandidateState State { get; set; }

        public byte[]? Token { get; set; }
    }
}
