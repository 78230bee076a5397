namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>An upload cannot go on: a block could not reach k suppliers, or the local file changed or vanished.</summary>
public sealed class UploadFailedException(string message) : Exception(message);
