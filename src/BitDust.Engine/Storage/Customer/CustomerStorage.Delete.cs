using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;

namespace BitDust.Engine.Storage.Customer;

/// <summary>Deleting files and versions from the suppliers and the catalog.</summary>
public sealed partial class CustomerStorage
{
    /// <summary>Deletes every version of the file at <paramref name="remotePath"/>; returns how many versions there were.</summary>
    public async Task<int> DeleteAsync(string remotePath, CancellationToken cancellationToken)
    {
        if (!RemotePath.IsValid(remotePath, out var problem))
            throw new ArgumentException(problem);
        var file = Catalog.FindFile(remotePath) ?? throw new RemoteFileNotFoundException(remotePath);
        var versions = Catalog.Versions(file.FileId);
        foreach (var version in versions)
            await DeleteVersionAsync(version.File, cancellationToken).ConfigureAwait(false);
        return versions.Count;
    }

    /// <summary>
    /// Forgets the version (on disk first, so the catalog never names fragments that are gone), then asks every supplier to
    /// delete its fragments. A supplier that cannot be reached keeps them (logged); they name nothing and are released with its
    /// contract.
    /// </summary>
    internal async Task DeleteVersionAsync(FileVersion file, CancellationToken cancellationToken)
    {
        Catalog.DeleteVersion(file);
        var answers = await Family.AskEveryoneAsync((client, token) => client.DeleteFragmentsAsync(file, token), Options.RequestTimeout,
            cancellationToken).ConfigureAwait(false);
        foreach (var answer in answers.Where(a => !a.Succeeded))
            Logger.DeleteIncomplete(file.ToString(), answer.Problem!);
    }

    /// <summary>Deletes the versions of a file that max-copies lets go (<see cref="Catalog.VersionsToPrune"/>).</summary>
    public async Task PruneAsync(Guid fileId, CancellationToken cancellationToken)
    {
        foreach (var old in Catalog.VersionsToPrune(fileId, Options.MaxCopies))
            await DeleteVersionAsync(old, cancellationToken).ConfigureAwait(false);
    }
}
