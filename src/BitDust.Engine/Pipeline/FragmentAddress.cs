namespace BitDust.Engine.Pipeline;

/// <summary>Where a fragment belongs: file version, block and position in the supplier family.</summary>
public readonly record struct FragmentAddress(FileVersion File, long BlockIndex, int FragmentIndex)
{
    public override string ToString() => $"{File}/b{BlockIndex}/f{FragmentIndex}";
}
