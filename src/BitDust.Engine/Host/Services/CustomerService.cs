using System.Threading.Channels;
using BitDust.Engine.Common;
using BitDust.Engine.Crypto;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Dht;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Protocol;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// <c>customer</c>: rents space from a family of <c>suppliers-number</c> suppliers. It opens the catalog, finds its family
/// (the catalog's; on a fresh home the one it published in the DHT; else hires one through the DHT's supplier
/// directory), restores the catalog from the suppliers when the home is fresh, resumes unfinished uploads, then keeps the
/// catalog backed up in the network and the family published in the DHT. What the employer and the rebuild need is here:
/// <see cref="Storage"/> (catalog, family, transfers), <see cref="Hiring"/> and <see cref="ClientAt"/>.
/// </summary>
public sealed partial class CustomerService(NodeHome home, NodeConfig config, OwnerIdentity owner, TcpConnectionsService transport,
    EntangledDhtService dht, NetworkIdentityResolver resolver, ILoggerFactory loggerFactory) : INetworkService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = loggerFactory.CreateLogger<CustomerService>();
    private readonly Channel<bool> _publishRequests =
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private KeyBundle? _keys;
    private Catalog? _catalog;
    private CustomerStorage? _storage;
    private CancellationTokenSource? _stop;
    private Task? _running;
    private TaskCompletionSource _ready = NewReady();
    private TaskCompletionSource _newFamily = NewReady();
    private volatile string _state = "OFF";
    private volatile string? _detail;
    private long _publicationsAsked;
    private long _publishedUpTo = -1;

    public string Name => "customer";

    public IReadOnlyList<string> DependsOn => ["tcp-connections", "entangled-dht", "identity-propagate"];

    /// <summary>OFF, FAMILY LOOKUP, HIRING, RESTORING, READY or FAILED.</summary>
    public string State => _state;

    /// <summary>What the state means right now ("found 5 of 7 suppliers", why the family is not found, a failure), or null.</summary>
    public string? Detail => _state == "HIRING" ? Hiring?.Status : _detail;

    /// <summary>True once the family is complete and uploads, downloads and deletes can run.</summary>
    public bool IsReady => _state == "READY";

    /// <summary>
    /// Completes when the service is READY (what the employer and the rebuild wait for); canceled when it stops first.
    /// </summary>
    public Task WhenReady => _ready.Task;

    /// <summary>The catalog, family and transfers, from start (the catalog can be read before the family is ready).</summary>
    public CustomerStorage? Storage => _storage;

    public SupplierHiring? Hiring { get; private set; }

    public CatalogBackup? Backup { get; private set; }

    /// <summary>The client of the supplier at <paramref name="position"/> of the family, or null when nobody is there.</summary>
    public SupplierClient? ClientAt(int position) => _storage?.Family.ClientAt(position);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (owner.TryLoad() is null)
            throw new InvalidOperationException("no identity yet: create one with `bitdust identity create NAME`");
        var connector = transport.Connector ?? throw new InvalidOperationException("tcp-connections is not running");
        var node = dht.Node ?? throw new InvalidOperationException("entangled-dht is not running");
        _keys = owner.LoadKeys();
        try
        {
            _catalog = Catalog.Open(Catalog.PathIn(home));
        }
        catch
        {
            _keys.Dispose();
            _keys = null;
            throw;
        }
        var family = new Family(_catalog, connector, config.GetSupplierCount(ConfigKeys.CustomerSuppliersNumber));
        var options = EngineOptions.Customer(config);
        _storage = new CustomerStorage(_catalog, family, _keys, options, loggerFactory.CreateLogger<CustomerStorage>());
        var directory = new SupplierDirectory(node, connector, resolver.FindAsync, loggerFactory.CreateLogger<SupplierDirectory>());
        Hiring = new SupplierHiring(family, directory.FindAsync, config.GetSize(ConfigKeys.CustomerNeededSpace), options.RequestTimeout,
            loggerFactory.CreateLogger<SupplierHiring>());
        Backup = new CatalogBackup(_storage);
        _stop = new CancellationTokenSource();
        if (_ready.Task.IsCompleted)
            _ready = NewReady();
        _newFamily = NewReady();
        _state = "STARTING";
        _running = Task.Run(() => RunAsync(node, family, _stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(DhtNode node, Family family, CancellationToken cancellationToken)
    {
        var storage = _storage!;
        try
        {
            var fresh = storage.Catalog.IsEmpty && family.Members.All(m => m is null);
            var recalled = fresh && await FindFamilyAsync(node, family, cancellationToken).ConfigureAwait(false);
            family.Changed += OnFamilyChanged;
            if (!family.IsComplete)
            {
                _state = "HIRING";
                await Hiring!.HireAsync(cancellationToken).ConfigureAwait(false);
            }
            var publishing = PublishFamilyAsync(node, family, cancellationToken);
            // Also after a recall: the suppliers get the record again (a newer one than any they put back while we were away).
            RequestPublication();
            if (recalled)
                await RestoreCatalogAsync(cancellationToken).ConfigureAwait(false);
            storage.ResumeJobs();
            _state = "READY";
            _detail = null;
            _ready.TrySetResult();
            LogReady(family.Size, storage.Catalog.ListFiles().Count);
            await Task.WhenAll(publishing, Backup!.RunAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            _state = "FAILED";
            _detail = e.Message;
            LogFailed(e);
        }
        finally
        {
            family.Changed -= OnFamilyChanged;
        }
    }

    /// <summary>
    /// On a fresh home, the family this identity keeps in the network (its own record in the DHT, which its suppliers put back
    /// while it is away); true when recalled. A fresh identity with none hires one (false). An identity recovered from its
    /// backup never does on its own: it may have files with a family that is offline now, so it says so and looks again until
    /// the family answers or the user asks for a new one (<see cref="HireNewFamily"/>).
    /// </summary>
    private async Task<bool> FindFamilyAsync(DhtNode node, Family family, CancellationToken cancellationToken)
    {
        _state = "FAMILY LOOKUP";
        var name = owner.TryLoad()?.Name ?? "this identity";
        while (true)
        {
            var problem = await RecallFamilyAsync(node, family, cancellationToken).ConfigureAwait(false);
            if (problem is null)
                return true;
            if (!owner.WasRecovered && problem.Kind == FamilyLookup.NotFound)
                return false;
            _detail = problem.Kind == FamilyLookup.NotFound
                ? $"no family of {name} found in the network yet (its suppliers may be offline, or the DHT not joined yet); " +
                  $"looking again every {RetryDelay.TotalSeconds:0} s. If {name} never stored files, `bitdust supplier new-family` " +
                  "hires a new family"
                : problem.Detail;
            LogFamilyNotFound(_detail);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var newFamily = _newFamily.Task.WaitAsync(wait.Token);
            if (await Task.WhenAny(newFamily, Task.Delay(RetryDelay, wait.Token)).ConfigureAwait(false) == newFamily)
            {
                LogNewFamilyAsked(name);
                return false;
            }
            await wait.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Asks a customer that looks for the family of its recovered identity to stop looking and hire a new one; false when it is
    /// not looking.
    /// </summary>
    public bool HireNewFamily() => _state == "FAMILY LOOKUP" && _newFamily.TrySetResult();

    /// <summary>Recalls the family published in the DHT into <paramref name="family"/>; null when done, else why not.</summary>
    private async Task<FamilyLookupProblem?> RecallFamilyAsync(DhtNode node, Family family, CancellationToken cancellationToken)
    {
        var ownerKey = OwnerIdentity.DhtKey(_keys!.MasterKey);
        IReadOnlyList<string?>? suppliers;
        try
        {
            suppliers = await FamilyRecord.ReadAsync(node, ownerKey.PublicKey, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            LogFamilyUnreadable(e.Message);
            return new FamilyLookupProblem(FamilyLookup.Unreadable, $"the family record in the DHT is unreadable ({e.Message}); " +
                $"looking again every {RetryDelay.TotalSeconds:0} s");
        }
        if (suppliers is null)
            return new FamilyLookupProblem(FamilyLookup.NotFound, "");
        if (suppliers.Count != family.Size)
        {
            return new FamilyLookupProblem(FamilyLookup.OtherSize,
                $"this identity's family in the network has {suppliers.Count} suppliers and this node is set to hire " +
                $"{family.Size}: `bitdust set services/customer/suppliers-number {suppliers.Count}`, then `bitdust restart`");
        }
        var quota = SupplierHiring.QuotaFor(config.GetSize(ConfigKeys.CustomerNeededSpace), family.Size, family.Scheme);
        for (var position = 0; position < suppliers.Count; position++)
        {
            if (suppliers[position] is not { } identity)
                continue;
            var document = await resolver.FindAsync(identity, cancellationToken).ConfigureAwait(false);
            var contact = document is null ? null : SupplierContacts.FromDocument(document);
            family.Set(new FamilyMember(position, identity, contact, contact is null ? SupplierState.Offline : SupplierState.Hired, quota,
                DateTimeOffset.UtcNow));
        }
        LogFamilyRecalled(suppliers.Count(s => s is not null), family.Size);
        return null;
    }

    private enum FamilyLookup
    {
        NotFound,
        Unreadable,
        OtherSize,
    }

    private sealed record FamilyLookupProblem(FamilyLookup Kind, string Detail);

    private async Task RestoreCatalogAsync(CancellationToken cancellationToken)
    {
        _state = "RESTORING";
        while (true)
        {
            try
            {
                await Backup!.RestoreAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _detail = $"the catalog could not be restored yet ({e.Message}); trying again in {RetryDelay.TotalSeconds:0} s";
                LogRestoreRetry(_detail);
                await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A family change is published in the DHT, and the catalog backed up again onto the new member.</summary>
    private void OnFamilyChanged()
    {
        RequestPublication();
        Backup?.Request(evenIfUnchanged: true);
    }

    private void RequestPublication()
    {
        Interlocked.Increment(ref _publicationsAsked);
        _publishRequests.Writer.TryWrite(true);
    }

    /// <summary>
    /// True when the family as it is now is in the DHT and with every supplier: what a restore from the identity backup looks
    /// up first. False from a change (a hire, a replacement) until its record is published.
    /// </summary>
    public bool IsFamilyPublished => Interlocked.Read(ref _publishedUpTo) == Interlocked.Read(ref _publicationsAsked);

    /// <summary>Publishes the signed family in the DHT after each change, retrying until some node holds it.</summary>
    private async Task PublishFamilyAsync(DhtNode node, Family family, CancellationToken cancellationToken)
    {
        var ownerKey = OwnerIdentity.DhtKey(_keys!.MasterKey);
        while (true)
        {
            await _publishRequests.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var asked = Interlocked.Read(ref _publicationsAsked);
            var suppliers = family.Members.Select(m => m is { State: not SupplierState.Fired } ? m.Supplier : null).ToList();
            var (copies, kept) = (0, 0);
            try
            {
                (var record, copies) = await FamilyRecord.PublishAsync(node, ownerKey, suppliers, cancellationToken).ConfigureAwait(false);
                kept = await LeaveWithSuppliersAsync(family, record, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogPublishFailed(e.Message);
            }
            var members = suppliers.Count(s => s is not null);
            if (copies > 0)
                LogPublished(copies, kept, members);
            if (copies > 0 && kept == members)
            {
                Interlocked.Exchange(ref _publishedUpTo, asked);
                continue;
            }
            // Until the DHT and every supplier hold it: a supplier offline now gets it when it is back (or is replaced).
            await Task.Delay(copies > 0 ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            RequestPublication();
        }
    }

    /// <summary>Leaves the signed record with every supplier, which puts it back into the DHT; returns how many took it.</summary>
    private async Task<int> LeaveWithSuppliersAsync(Family family, FamilyMeta record, CancellationToken cancellationToken)
    {
        var encoded = record.Encode();
        var answers = await family.AskEveryoneAsync(async (client, token) =>
        {
            await client.PutMetaAsync(FamilyMeta.MetaName, encoded, token).ConfigureAwait(false);
            return true;
        }, _storage!.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return answers.Count(a => a.Succeeded);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _ready.TrySetCanceled(CancellationToken.None);
        if (_stop is not null)
            await _stop.CancelAsync().ConfigureAwait(false);
        if (_running is not null)
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_storage is not null)
            await _storage.DisposeAsync().ConfigureAwait(false);
        _catalog?.Dispose();
        _keys?.Dispose();
        _stop?.Dispose();
        (_storage, _catalog, _keys, _stop, _running, Hiring, Backup) = (null, null, null, null, null, null, null);
        _state = "OFF";
    }

    private static TaskCompletionSource NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "customer ready: a family of {Suppliers} suppliers, {Files} files in the catalog")]
    private partial void LogReady(int suppliers, int files);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Error, Message = "the customer service stopped working")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "the family record in the DHT is unreadable ({Reason})")]
    private partial void LogFamilyUnreadable(string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "family recalled from the DHT: {Found} of {Size} positions")]
    private partial void LogFamilyRecalled(int found, int size);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "{Detail}")]
    private partial void LogRestoreRetry(string detail);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information,
        Message = "family published in the DHT ({Copies} nodes hold it) and left with {Kept} of its {Members} suppliers")]
    private partial void LogPublished(int copies, int kept, int members);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "{Detail}")]
    private partial void LogFamilyNotFound(string detail);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning,
        Message = "no family of {Name} was found and a new one was asked for: hiring a new family (files stored with an earlier one " +
                  "are out of reach from this node)")]
    private partial void LogNewFamilyAsked(string name);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning,
        Message = "the family could not be published in the DHT: {Reason}; trying again")]
    private partial void LogPublishFailed(string reason);
}
