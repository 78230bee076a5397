namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>A replacement: who was fired from the position, who was hired to it, or why nobody was yet.</summary>
public sealed record ReplaceReport(int Position, string? Fired, string? Hired, string Status);
