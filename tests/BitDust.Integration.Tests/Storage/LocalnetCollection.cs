namespace BitDust.Integration.Tests.Storage;

/// <summary>
/// The tests that run real localnets and move hundreds of MiB: one at a time and beside no other test class, so that on a
/// small machine each gets the CPU its timeouts assume.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LocalnetCollection
{
    public const string Name = "localnet storage";
}
