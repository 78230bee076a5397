namespace BitDust.Engine.Identity;

/// <summary>An identity document could not be fetched, or what was fetched is not a valid document for the name asked for.</summary>
public sealed class IdentityFetchException : Exception
{
    public IdentityFetchException()
    {
    }

    public IdentityFetchException(string message) : base(message)
    {
    }

    public IdentityFetchException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
