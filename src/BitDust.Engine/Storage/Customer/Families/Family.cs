using BitDust.Engine.Coding;
using BitDust.Engine.Network.Transport;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Protocol;

namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>
/// The customer's suppliers by position, 0..N-1: fragment i of every block lives at position i. Kept in the catalog; changes
/// (hiring, replacing, firing) raise <see cref="Changed"/>, so the signed family in the DHT follows. Thread-safe.
/// </summary>
public sealed partial class Family
{
    /// <summary>The catalog setting listing the suppliers fired, newest last, one a line.</summary>
    public const string FiredSetting = "fired-suppliers";

    /// <summary>Suppliers fired that are remembered, so hiring does not take them back; the oldest are forgotten beyond this.</summary>
    public const int RememberedFired = 256;

    private readonly Catalog _catalog;
    private readonly PeerConnector _connector;
    private static readonly TimeSpan PersistSeenEvery = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly FamilyMember?[] _members;
    private readonly SupplierClient?[] _clients;
    private readonly DateTimeOffset[] _persistedSeen;
    private readonly (DateTimeOffset At, string Reason)?[] _unreachable;
    private readonly List<string> _fired;

    public Family(Catalog catalog, PeerConnector connector, int size)
    {
        Scheme = ErasureScheme.ForSuppliers(size);
        _catalog = catalog;
        _connector = connector;
        _members = new FamilyMember?[size];
        _clients = new SupplierClient?[size];
        _persistedSeen = new DateTimeOffset[size];
        _unreachable = new (DateTimeOffset, string)?[size];
        foreach (var member in catalog.LoadFamily().Where(m => m.Position < size))
            _members[member.Position] = member;
        _fired = [.. (catalog.GetSetting(FiredSetting) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>The node's connections, over which every <see cref="SupplierClient"/> of the family talks.</summary>
    public PeerConnector Connector => _connector;

    /// <summary>N: the number of positions.</summary>
    public int Size => _members.Length;

    public ErasureScheme Scheme { get; }

    /// <summary>Raised after a member is added, replaced or removed (not for last-seen and audit updates).</summary>
    public event Action? Changed;

    /// <summary>A copy of the positions; null where nobody is hired.</summary>
    public IReadOnlyList<FamilyMember?> Members
    {
        get
        {
            lock (_gate)
                return [.. _members];
        }
    }

    /// <summary>True when every position has a supplier that is not fired.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_gate)
                return _members.All(m => m is { State: not SupplierState.Fired });
        }
    }

    public FamilyMember? MemberAt(int position)
    {
        lock (_gate)
            return _members[position];
    }

    /// <summary>The client of the supplier at <paramref name="position"/>, or null when nobody is there or it cannot be reached.</summary>
    public SupplierClient? ClientAt(int position)
    {
        lock (_gate)
        {
            if (_clients[position] is { } client)
                return client;
            if (_members[position] is not { Contact: { } contact, State: not SupplierState.Fired })
                return null;
            return _clients[position] = new SupplierClient(_connector, contact);
        }
    }

    /// <summary>"supplier NAME at HOST:PORT", for messages about position <paramref name="position"/>.</summary>
    public string Describe(int position) => MemberAt(position) switch
    {
        null => $"position {position}",
        { Contact: { } contact } member => $"supplier {member.Supplier} at {contact.Address}",
        var member => $"supplier {member.Supplier} (address unknown)",
    };

    /// <summary>Puts <paramref name="member"/> at its position (hiring or replacing), persists it and tells listeners.</summary>
    public void Set(FamilyMember member)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(member.Position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(member.Position, Size);
        lock (_gate)
        {
            _catalog.SaveFamilyMember(member);
            _members[member.Position] = member;
            _clients[member.Position] = null;
            _unreachable[member.Position] = null;
        }
        Changed?.Invoke();
    }

    /// <summary>
    /// Gives the member at <paramref name="position"/> a new contact for the same supplier and key (it moved, or switched
    /// router behind NAT), persisted; the next request dials it there. The family itself is unchanged, so no
    /// <see cref="Changed"/>. False when the position holds no such member any more.
    /// </summary>
    public bool Relocate(int position, PeerContact contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        lock (_gate)
        {
            if (_members[position] is not { State: not SupplierState.Fired } member || member.Supplier != contact.Identity ||
                member.Contact is { } known && !known.PublicKey.Equals(contact.PublicKey))
                return false;
            var moved = member with { Contact = contact };
            _catalog.SaveFamilyMember(moved);
            _members[position] = moved;
            _clients[position] = null;
            _unreachable[position] = null;
            return true;
        }
    }

    /// <summary>Every supplier this customer fired (the newest <see cref="RememberedFired"/>): hiring passes them over.</summary>
    public IReadOnlyList<string> FiredSuppliers
    {
        get
        {
            lock (_gate)
                return [.. _fired];
        }
    }

    /// <summary>
    /// Fires the supplier at <paramref name="position"/>: the position keeps its name, in the fired state, until a replacement
    /// is hired, and the supplier is remembered so it is not hired again. False when nobody (or a fired one) is there.
    /// </summary>
    public bool Fire(int position)
    {
        lock (_gate)
        {
            if (_members[position] is not { State: not SupplierState.Fired } member)
                return false;
            var fired = member with { State = SupplierState.Fired };
            _catalog.SaveFamilyMember(fired);
            _members[position] = fired;
            _clients[position] = null;
            _unreachable[position] = null;
            _fired.Remove(member.Supplier);
            _fired.Add(member.Supplier);
            if (_fired.Count > RememberedFired)
                _fired.RemoveRange(0, _fired.Count - RememberedFired);
            _catalog.SetSetting(FiredSetting, string.Join('\n', _fired));
        }
        Changed?.Invoke();
        return true;
    }

    /// <summary>Empties a position (the supplier left or was released).</summary>
    public void Remove(int position)
    {
        lock (_gate)
        {
            _catalog.RemoveFamilyMember(position);
            _members[position] = null;
            _clients[position] = null;
        }
        Changed?.Invoke();
    }

    /// <summary>Records whether the supplier at <paramref name="position"/> answered, and when.</summary>
    public void Observe(int position, bool answered, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_members[position] is not { State: not SupplierState.Fired } member)
                return;
            var updated = member with
            {
                State = answered ? SupplierState.Connected : SupplierState.Offline,
                LastSeen = answered ? at : member.LastSeen,
            };
            _members[position] = updated;
            // Every fragment sent is an observation: write through only what changes the picture, not every timestamp.
            if (updated.State != member.State || at - _persistedSeen[position] > PersistSeenEvery)
            {
                _catalog.SaveFamilyMember(updated);
                _persistedSeen[position] = at;
            }
        }
    }

    /// <summary>Records an audit of the supplier at <paramref name="position"/>.</summary>
    public void RecordAudit(int position, bool passed, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_members[position] is not { } member)
                return;
            var updated = member with { LastAudit = at, AuditPassed = passed };
            _members[position] = updated;
            _catalog.SaveFamilyMember(updated);
        }
    }
}
