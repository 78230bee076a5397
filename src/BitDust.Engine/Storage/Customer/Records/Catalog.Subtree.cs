namespace BitDust.Engine.Storage.Customer.Records;

/// <summary>Everything under a folder, in SQL.</summary>
public sealed partial class Catalog
{
    /// <summary>
    /// SQL that is true when <paramref name="column"/> is a path under the folder <see cref="SubtreeOf"/> bound. Paths compare
    /// as UTF-8 bytes (SQLite's BINARY collation), so those under "F/" are exactly those between "F/" and "F0" ('0' follows
    /// '/'): no length, which substr would count in code points and string.Length in UTF-16 units. The index serves it too.
    /// </summary>
    private static string InSubtree(string column) => $"({column} > $subtree AND {column} < $subtreeEnd)";

    /// <summary>The parameters of <see cref="InSubtree"/> for <paramref name="folder"/>.</summary>
    private static (string Name, object? Value)[] SubtreeOf(string folder) =>
        [("$subtree", folder + RemotePath.Separator), ("$subtreeEnd", folder + (char)(RemotePath.Separator + 1))];
}
