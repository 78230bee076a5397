namespace BitDust.Engine.Storage.Customer.Stubs;

/// <summary>Where the replacement of a file by its stub stands.</summary>
public enum StubReplacementState
{
    /// <summary>The upload is not durable yet.</summary>
    Uploading,

    /// <summary>PATH.f is written and PATH deleted.</summary>
    Replaced,

    /// <summary>PATH stays: the upload failed, or PATH changed or the stub could not be written.</summary>
    Failed,
}
