using System.Diagnostics.CodeAnalysis;

namespace BitDust.Engine.Identity;

/// <summary>
/// Identity URLs in BitDust's form, <c>http://host:web-port/name.xml</c>. Our documents are JSON, but the <c>.xml</c> path is
/// kept so BitDust-style known-server lists and links keep working; servers answer <c>/name.json</c> with the same bytes.
/// </summary>
public static class IdentityUrls
{
    public const string XmlSuffix = ".xml";
    public const string JsonSuffix = ".json";

    /// <summary>The user name an identity URL points at: its last path segment without <c>.xml</c> or <c>.json</c>.</summary>
    public static bool TryGetName(Uri url, [NotNullWhen(true)] out string? name, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(url);
        name = null;
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            error = $"identity URL \"{url}\" is not an absolute http(s) URL";
            return false;
        }
        var file = url.Segments[^1];
        var stem = file.EndsWith(XmlSuffix, StringComparison.Ordinal) ? file[..^XmlSuffix.Length]
            : file.EndsWith(JsonSuffix, StringComparison.Ordinal) ? file[..^JsonSuffix.Length]
            : null;
        if (stem is null || IdentityName.Validate(stem) is not null)
        {
            error = $"identity URL \"{url}\" does not end in a user name followed by {XmlSuffix} or {JsonSuffix}";
            return false;
        }
        name = stem;
        error = null;
        return true;
    }
}
