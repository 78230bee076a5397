namespace BitDust.Engine.Identity;

/// <summary>
/// The contact list of an identity: URIs a peer dials, such as <c>tcp://host:port</c> or <c>relay://router-host:port/router</c>.
/// Printable ASCII only, so a contact has one spelling in the signed JSON and is safe to log.
/// </summary>
public static class IdentityContacts
{
    public const int MaxCount = 16;
    public const int MaxLength = 256;

    /// <summary>Null when <paramref name="contacts"/> is a valid contact list, otherwise what is wrong with it.</summary>
    public static string? Validate(IReadOnlyList<string> contacts)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        if (contacts.Count > MaxCount)
            return $"an identity lists at most {MaxCount} contacts, not {contacts.Count}";
        for (var i = 0; i < contacts.Count; i++)
        {
            if (ValidateOne(contacts[i]) is { } problem)
                return $"contact {i + 1}: {problem}";
            for (var j = 0; j < i; j++)
            {
                if (string.Equals(contacts[i], contacts[j], StringComparison.Ordinal))
                    return $"contact {i + 1} repeats contact {j + 1} ({contacts[i]})";
            }
        }
        return null;
    }

    private static string? ValidateOne(string? contact)
    {
        if (string.IsNullOrEmpty(contact) || contact.Length > MaxLength)
            return $"a contact is 1 to {MaxLength} characters, not {contact?.Length ?? 0}";
        foreach (var c in contact)
        {
            if (c is <= ' ' or >= '\u007f' or '"' or '\\')
                return "a contact is printable ASCII without spaces, quotes or backslashes";
        }
        if (!Uri.TryCreate(contact, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            return $"\"{contact}\" is not an absolute URI with a host, like tcp://host:port or relay://router-host:port/router";
        return null;
    }

    /// <summary>True when both lists hold the same contacts in the same order; order is preference, so it matters.</summary>
    public static bool AreSame(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.SequenceEqual(b, StringComparer.Ordinal);
    }
}
