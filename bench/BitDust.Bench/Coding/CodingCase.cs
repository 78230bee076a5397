using BitDust.Engine.Coding;

namespace BitDust.Bench.Coding;

/// <summary>One coder under test: encodes or rebuilds shard-set number n of the pool.</summary>
internal abstract class CodingCase(string name, ShardSets sets, int shardBytes, int dataCount, int parityCount)
{
    public string Name { get; } = name;

    protected ShardSets Sets { get; } = sets;

    protected int ShardBytes { get; } = shardBytes;

    protected int DataCount { get; } = dataCount;

    protected int ParityCount { get; } = parityCount;

    public abstract void Encode(int set);

    /// <summary>Rebuilds fragments [0, m) of the set in place from fragments [m, m + k).</summary>
    public abstract void Decode(int set);

    /// <summary>Encodes set 0, wipes the fragments Decode rebuilds, decodes, and compares every byte.</summary>
    public bool Verify()
    {
        Encode(0);
        var shards = Sets.Memories(0);
        var expected = shards.Select(s => s.ToArray()).ToArray();
        for (var i = 0; i < ParityCount; i++)
        {
            shards[i].Span.Fill(0xA5);
        }

        Decode(0);
        return shards.Select((s, i) => s.Span.SequenceEqual(expected[i])).All(equal => equal);
    }
}

internal sealed class OursCase(ReedSolomon coder, ShardSets sets, int shardBytes)
    : CodingCase("ours", sets, shardBytes, coder.Scheme.DataCount, coder.Scheme.ParityCount)
{
    private readonly bool[] _present = Enumerable.Range(0, coder.Scheme.Total).Select(i => i >= coder.Scheme.ParityCount).ToArray();

    public override void Encode(int set) => coder.Encode(Sets.Memories(set), ShardBytes);

    public override void Decode(int set) => coder.Reconstruct(Sets.Memories(set), _present, ShardBytes);
}

internal sealed unsafe class IsaLCase(IsaL isaL, ErasureScheme scheme, ShardSets sets, int shardBytes)
    : CodingCase("isal", sets, shardBytes, scheme.DataCount, scheme.ParityCount)
{
    private readonly byte[] _encodeTables = isaL.EncodeTables(scheme.DataCount, scheme.ParityCount);
    private readonly byte[] _decodeTables = isaL.DecodeTables(scheme.DataCount, scheme.ParityCount, scheme.ParityCount);

    public override void Encode(int set)
    {
        var shards = Sets.Pointers(set);
        isaL.Run(ShardBytes, DataCount, ParityCount, _encodeTables, shards, shards + DataCount);
    }

    public override void Decode(int set)
    {
        var shards = Sets.Pointers(set);
        isaL.Run(ShardBytes, DataCount, ParityCount, _decodeTables, shards + ParityCount, shards);
    }
}
