namespace BitDust.Engine.Coding;

/// <summary>Too few fragments of a block survive to rebuild it: any <see cref="Needed"/> of them would do.</summary>
public sealed class NotEnoughFragmentsException : Exception
{
    public NotEnoughFragmentsException()
        : this(0, 1, 1)
    {
    }

    public NotEnoughFragmentsException(string message)
        : base(message)
    {
    }

    public NotEnoughFragmentsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NotEnoughFragmentsException(int present, int needed, int total)
        : base(
            $"Only {present} of {total} fragments are present but rebuilding the block needs any {needed} of them; "
            + $"fetch {needed - present} more from the suppliers that hold this block.")
    {
        Present = present;
        Needed = needed;
        Total = total;
    }

    /// <summary>How many fragments were present.</summary>
    public int Present { get; }

    /// <summary>How many fragments the scheme needs (its data count).</summary>
    public int Needed { get; }

    /// <summary>How many fragments the scheme has in all.</summary>
    public int Total { get; }
}
