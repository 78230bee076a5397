using System.Collections.Concurrent;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// AES-GCM objects are not safe to share between threads; each block being processed borrows its own pair of cipher and
/// authenticator, created once per thread that needs one and reused for the rest of the version.
/// </summary>
internal sealed class CryptoWorkers(DataKey key) : IDisposable
{
    private readonly ConcurrentBag<Worker> _idle = [];
    private readonly ConcurrentQueue<Worker> _all = new();

    public Worker Rent()
    {
        if (_idle.TryTake(out var worker))
            return worker;
        worker = new Worker(key.CreateBlockCipher(), key.CreateFragmentAuthenticator());
        _all.Enqueue(worker);
        return worker;
    }

    public void Return(Worker worker) => _idle.Add(worker);

    public void Dispose()
    {
        while (_all.TryDequeue(out var worker))
        {
            worker.Cipher.Dispose();
            worker.Authenticator.Dispose();
        }
    }

    internal sealed record Worker(BlockCipher Cipher, FragmentAuthenticator Authenticator);
}
