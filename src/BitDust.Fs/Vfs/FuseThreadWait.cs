namespace BitDust.Fs.Vfs;

/// <summary>
/// The one place a file system call waits for asynchronous work (a block from the network, room in the cache, a file becoming
/// durable). libfuse answers each request with the callback's return value, so the calling thread must block until the work is
/// done; these are libfuse's own threads (its multi-threaded loop starts more when all are busy), not the thread pool's, so a
/// blocked one takes nothing from the tasks it waits for. The work itself runs on the pool and must never need a FUSE thread
/// to finish. Exceptions come back as they were thrown (not wrapped), for the caller's errno mapping.
/// </summary>
internal static class FuseThreadWait
{
    public static void For(Task work) => work.GetAwaiter().GetResult();

    public static T For<T>(Task<T> work) => work.GetAwaiter().GetResult();
}
