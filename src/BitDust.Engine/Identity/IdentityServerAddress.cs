using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BitDust.Engine.Identity;

/// <summary>
/// One identity server as BitDust's <c>services/identity-propagate/known-servers</c> names it: <c>host:web-port:tcp-port</c>.
/// Documents are read over HTTP on the web port and published over HTTP (POST /) or framed TCP on the tcp port.
/// </summary>
public readonly record struct IdentityServerAddress(string Host, int WebPort, int TcpPort)
{
    public const int MaxLength = 256;

    /// <summary>The address of the document of <paramref name="name"/>: <c>http://host:web-port/name.xml</c>, BitDust's form.</summary>
    public Uri IdentityUrl(string name) => new(WebBase, name + IdentityUrls.XmlSuffix);

    /// <summary><c>http://host:web-port/</c>.</summary>
    public Uri WebBase => new($"http://{Host}:{WebPort.ToString(CultureInfo.InvariantCulture)}/");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Host}:{WebPort}:{TcpPort}");

    /// <summary>Reads <c>host:web-port:tcp-port</c>; a host that is an IPv6 address is written in brackets.</summary>
    public static bool TryParse(string? text, out IdentityServerAddress address, [NotNullWhen(false)] out string? error)
    {
        address = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            error = $"an identity server address is 1 to {MaxLength} characters of host:web-port:tcp-port";
            return false;
        }
        var tcpColon = text.LastIndexOf(':');
        var webColon = tcpColon > 0 ? text.LastIndexOf(':', tcpColon - 1) : -1;
        if (webColon <= 0)
        {
            error = $"identity server \"{text}\" is not host:web-port:tcp-port";
            return false;
        }
        var host = text[..webColon];
        if (!TryParsePort(text[(webColon + 1)..tcpColon], out var webPort) || !TryParsePort(text[(tcpColon + 1)..], out var tcpPort))
        {
            error = $"identity server \"{text}\" has a port that is not a number from 1 to 65535 without leading zeros";
            return false;
        }
        var kind = Uri.CheckHostName(host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host);
        if (kind is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6) ||
            (kind == UriHostNameType.IPv6 && !host.StartsWith('[')))
        {
            error = $"identity server \"{text}\" has no valid host name (an IPv6 address goes in brackets)";
            return false;
        }
        address = new IdentityServerAddress(host, webPort, tcpPort);
        error = null;
        return true;
    }

    public static IdentityServerAddress Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    // One spelling per port, so a server list has one canonical encoding in a signed document.
    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535 &&
        string.Equals(port.ToString(CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
}
