namespace BitDust.Engine.Storage.Customer;

public enum TransferKind
{
    Upload,

    Download,

    Rebuild,
}
