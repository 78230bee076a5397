using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Identity;

/// <remarks>
/// Format 1 is one line of ASCII JSON with this exact property order, no whitespace, and no escapes (every string is
/// printable ASCII by validation):
/// <c>{"format":1,"name":…,"publicKey":base64 SPKI,"dhtPublicKey":base64,"contacts":[…],"servers":["host:web:tcp",…],
/// "revision":n,"signedAt":"yyyy-MM-ddTHH:mm:ssZ","signature":base64 P1363}</c>.
/// The signature is over <see cref="SigningContext"/> followed by the same JSON without the signature property. A reader
/// rebuilds the document from the fields it parsed and requires the result to equal the input byte for byte, so each
/// document has exactly one encoding and any altered byte is refused — either as non-canonical or by the signature.
/// </remarks>
public sealed partial class IdentityDocument
{
    public const int FormatVersion = 1;

    private const string SignedAtFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] FieldNames =
        ["format", "name", "publicKey", "dhtPublicKey", "contacts", "servers", "revision", "signedAt", "signature"];

    /// <summary>Keeps an identity signature from being valid as a manifest or stub signature made with the same key.</summary>
    private static ReadOnlySpan<byte> SigningContext => "BitDust identity document 1\n"u8;

    /// <summary>Reads and verifies a document; on failure <paramref name="error"/> says what is wrong.</summary>
    /// <remarks>A valid document proves only that the holder of <see cref="PublicKey"/> signed it; whether that key owns the
    /// name is for <see cref="IdentityAcceptance"/> to judge against the copy already held.</remarks>
    public static bool TryParse(ReadOnlySpan<byte> source, [NotNullWhen(true)] out IdentityDocument? document,
        [NotNullWhen(false)] out string? error)
    {
        document = null;
        if (source.IsEmpty)
            return Fail("is empty", out error);
        if (source.Length > MaxSize)
            return Fail($"is {source.Length} bytes, over the {MaxSize}-byte limit", out error);
        // The canonical form is ASCII; checking first also spares the JSON reader strings it cannot transcode.
        if (!Ascii.IsValid(source))
            return Fail("holds bytes that are not ASCII", out error);
        JsonDocument json;
        try
        {
            var reader = new Utf8JsonReader(source, new JsonReaderOptions { MaxDepth = 4 });
            json = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            return Fail($"is not complete JSON ({e.Message})", out error);
        }
        using (json)
        {
            if (!TryReadFields(json.RootElement, out var parsed, out error))
                return false;
            if (!source.SequenceEqual(parsed._encoded))
                return Fail($"of {parsed.Name} is not in canonical form (whitespace, escapes, key order or extra bytes differ)", out error);
            if (!parsed.PublicKey.Verify(parsed.SignedBytes(), parsed._signature))
                return Fail($"of {parsed.Name} has a bad signature: it was altered, or not signed by the key it carries", out error);
            document = parsed;
            return true;
        }
    }

    /// <summary>Reads a document, throwing <see cref="FormatException"/> with the reason.</summary>
    public static IdentityDocument Parse(ReadOnlySpan<byte> source) =>
        TryParse(source, out var document, out var error) ? document : throw new FormatException(error);

    private static bool TryReadFields(JsonElement root, [NotNullWhen(true)] out IdentityDocument? document, [NotNullWhen(false)] out string? error)
    {
        document = null;
        if (root.ValueKind != JsonValueKind.Object)
            return Fail($"is a JSON {root.ValueKind}, not an object", out error);
        foreach (var property in root.EnumerateObject())
        {
            if (!FieldNames.Contains(property.Name, StringComparer.Ordinal))
                return Fail($"has an unknown field \"{SafeText.Printable(property.Name)}\"", out error);
        }
        if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.Number)
            return Fail("has no format number", out error);
        if (!format.TryGetInt32(out var version) || version != FormatVersion)
            return Fail($"is in format {SafeText.Printable(format.GetRawText())}; this program reads format {FormatVersion}", out error);
        if (!root.TryGetProperty("signature", out var signatureElement))
            return Fail("is not signed (it has no signature field)", out error);

        if (!TryGetString(root, "name", out var name, out error))
            return false;
        if (IdentityName.Validate(name) is { } nameProblem)
            return Fail($"has an invalid name: {nameProblem}", out error);
        if (!TryGetBase64(root, "publicKey", out var spki, out error))
            return false;
        IdentityPublicKey publicKey;
        try
        {
            publicKey = IdentityPublicKey.Import(spki);
        }
        catch (MalformedKeyMaterialException e)
        {
            return Fail($"of {name} has an unusable public key: {e.Message}", out error);
        }
        if (!TryGetBase64(root, "dhtPublicKey", out var dhtPublicKey, out error))
            return false;
        if (dhtPublicKey.Length != DhtPublicKeySize)
            return Fail($"of {name} has a {dhtPublicKey.Length}-byte DHT public key, not {DhtPublicKeySize}", out error);
        if (!TryGetStrings(root, "contacts", IdentityContacts.MaxCount, out var contacts, out error))
            return false;
        if (IdentityContacts.Validate(contacts) is { } contactProblem)
            return Fail($"of {name} has invalid contacts: {contactProblem}", out error);
        if (!TryGetStrings(root, "servers", MaxServers, out var serverTexts, out error))
            return false;
        var servers = new IdentityServerAddress[serverTexts.Length];
        for (var i = 0; i < servers.Length; i++)
        {
            if (!IdentityServerAddress.TryParse(serverTexts[i], out servers[i], out var serverProblem))
                return Fail($"of {name} has an invalid identity server: {SafeText.Printable(serverProblem)}", out error);
        }
        if (!root.TryGetProperty("revision", out var revisionElement) || revisionElement.ValueKind != JsonValueKind.Number ||
            !revisionElement.TryGetInt64(out var revision) || revision <= 0)
            return Fail($"of {name} has no revision that is a positive whole number", out error);
        if (!TryGetString(root, "signedAt", out var signedAtText, out error))
            return false;
        if (!DateTimeOffset.TryParseExact(signedAtText, SignedAtFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
            return Fail($"of {name} has a signing time that is not {SignedAtFormat}", out error);
        if (signatureElement.ValueKind != JsonValueKind.String || !signatureElement.TryGetBytesFromBase64(out var signature) ||
            signature.Length != IdentityPublicKey.SignatureSize)
            return Fail($"of {name} has a signature that is not {IdentityPublicKey.SignatureSize} bytes of base64", out error);

        document = new IdentityDocument(name, publicKey, dhtPublicKey, contacts, servers, revision, signedAt, signature);
        error = null;
        return true;
    }

    private byte[] SignedBytes()
    {
        var body = Encode(includeSignature: false);
        return [.. SigningContext, .. body];
    }

    private byte[] Encode(bool includeSignature)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("format", FormatVersion);
            writer.WriteString("name", Name);
            writer.WriteString("publicKey", Convert.ToBase64String(PublicKey.Export()));
            writer.WriteString("dhtPublicKey", Convert.ToBase64String(_dhtPublicKey));
            writer.WriteStartArray("contacts");
            foreach (var contact in Contacts)
                writer.WriteStringValue(contact);
            writer.WriteEndArray();
            writer.WriteStartArray("servers");
            foreach (var server in Servers)
                writer.WriteStringValue(server.ToString());
            writer.WriteEndArray();
            writer.WriteNumber("revision", Revision);
            writer.WriteString("signedAt", SignedAt.UtcDateTime.ToString(SignedAtFormat, CultureInfo.InvariantCulture));
            if (includeSignature)
                writer.WriteString("signature", Convert.ToBase64String(_signature));
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static bool TryGetString(JsonElement root, string field, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        if (!root.TryGetProperty(field, out var element) || element.ValueKind != JsonValueKind.String)
            return Fail($"has no {field} string", out error);
        value = element.GetString()!;
        error = null;
        return true;
    }

    private static bool TryGetBase64(JsonElement root, string field, [NotNullWhen(true)] out byte[]? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        if (!root.TryGetProperty(field, out var element) || element.ValueKind != JsonValueKind.String || !element.TryGetBytesFromBase64(out value))
            return Fail($"has no {field} in base64", out error);
        error = null;
        return true;
    }

    private static bool TryGetStrings(JsonElement root, string field, int maxCount, [NotNullWhen(true)] out string[]? values,
        [NotNullWhen(false)] out string? error)
    {
        values = null;
        if (!root.TryGetProperty(field, out var element) || element.ValueKind != JsonValueKind.Array)
            return Fail($"has no {field} list", out error);
        var count = element.GetArrayLength();
        if (count > maxCount)
            return Fail($"lists {count} {field}, more than {maxCount}", out error);
        values = new string[count];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
                return Fail($"has a {field} entry that is not a string", out error);
            values[i++] = item.GetString()!;
        }
        error = null;
        return true;
    }

    private static bool Fail(string problem, out string error)
    {
        error = "identity document " + problem;
        return false;
    }

}
