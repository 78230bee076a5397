namespace BitDust.Fs.Stubs;

/// <summary>What one <see cref="StubMirror.ReconcileAsync"/> pass did.</summary>
/// <param name="Written">Stubs written: new files, or files whose version, mode or time changed.</param>
/// <param name="Removed">Stubs of files the catalog no longer holds.</param>
/// <param name="Kept">Stubs already up to date.</param>
/// <param name="Failed">Stubs that could not be written (logged).</param>
public readonly record struct StubMirrorPass(int Written, int Removed, int Kept, int Failed);
