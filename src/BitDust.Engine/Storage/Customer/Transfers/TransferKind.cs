namespace BitDust.Engine.Storage.Customer.Transfers;

public enum TransferKind
{
    Upload,

    Download,

    Rebuild,
}
