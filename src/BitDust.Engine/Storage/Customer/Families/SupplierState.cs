namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>A family member as <c>supplier list</c> shows it. Stored by name: never rename.</summary>
public enum SupplierState
{
    /// <summary>Granted space; not talked to since.</summary>
    Hired,

    /// <summary>Answered the last request.</summary>
    Connected,

    /// <summary>Did not answer the last request.</summary>
    Offline,

    /// <summary>Released by the customer; its position waits for a replacement.</summary>
    Fired,

    /// <summary>No supplier holds this position yet.</summary>
    Missing,
}
