using BitDust.Engine.Pipeline;

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
    /// Asks every supplier to delete the fragments of <paramref name="file"/>, then forgets the version. A supplier that cannot
    /// be reached keeps its fragments (logged); they name nothing and are released with its contract.
    /// </summary>
    internal async Task DeleteVersionAsync(FileVersion file, CancellationToken cancellationToken)
    {
        var answers = await Family.AskEveryoneAsync((client, token) => client.DeleteFragmentsAsync(file, token), Options.RequestTimeout,
            cancellationToken).ConfigureAwait(false);
        foreach (var answer in answers.Where(a => !a.Succeeded))
            Logger.DeleteIncomplete(file.ToString(), answer.Problem!);
        Catalog.DeleteVersion(file);
    }
}
