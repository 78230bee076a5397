using System.Text.Json.Nodes;
using BitDust.Mount.Cli;
using BitDust.Mount.Daemon;

namespace BitDust.Mount.Localnet;

/// <summary>A localnet node as it is now: the pid of its live daemon (null when it is not running) and its services.</summary>
internal sealed record LocalnetNodeStatus(LocalnetNode Node, int? Pid, JsonArray? Services)
{
    public bool Alive => Pid is not null;
}

internal sealed partial class LocalNetwork
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Each recorded node with its live pid and its services (/service/list/v1); null when there is no localnet.</summary>
    public async Task<(LocalnetState State, IReadOnlyList<LocalnetNodeStatus> Nodes)?> StatusAsync(CancellationToken cancellationToken)
    {
        if (LocalnetState.Read(Folder) is not { } state)
            return null;
        var nodes = await Task.WhenAll(state.Nodes.Select(node => StatusOfAsync(node, cancellationToken))).ConfigureAwait(false);
        return (state, nodes);
    }

    private static async Task<LocalnetNodeStatus> StatusOfAsync(LocalnetNode node, CancellationToken cancellationToken)
    {
        if (PidFile.ReadLivePid(node.NodeHome) is not { } pid)
            return new LocalnetNodeStatus(node, null, null);
        using var client = new ApiClient(node.NodeHome);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StatusTimeout);
        try
        {
            var (ok, answer) = await client.SendAsync(HttpMethod.Get, "/service/list/v1", null, timeout.Token).ConfigureAwait(false);
            return new LocalnetNodeStatus(node, pid, ok ? answer?["result"] as JsonArray : null);
        }
        catch (Exception e) when (e is HttpRequestException ||
                                  (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Alive but not answering (starting, stopping, or stuck): shown without services.
            return new LocalnetNodeStatus(node, pid, null);
        }
    }
}
