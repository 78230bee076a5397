using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BitDust.Engine.Identity;

public sealed partial class IdentityServer
{
    private const string DocumentContentType = "application/json";

    private void MapEndpoints()
    {
        _web.MapGet("/", ListingPage);
        _web.MapGet("/{name}" + IdentityUrls.XmlSuffix, ServeDocument);
        _web.MapGet("/{name}" + IdentityUrls.JsonSuffix, ServeDocument);
        _web.MapPost("/", PublishAsync);
    }

    /// <summary>BitDust's page: titled "Identities on HOST", one link per stored identity.</summary>
    private IResult ListingPage()
    {
        var host = WebUtility.HtmlEncode(_options.Host);
        var html = new StringBuilder(256)
            .Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Identities on ").Append(host)
            .Append("</title></head>\n<body><h1>Identities on ").Append(host).Append("</h1>\n<ul>\n");
        foreach (var name in _store.Names())
        {
            var shown = WebUtility.HtmlEncode(name);
            html.Append("<li><a href=\"/").Append(shown).Append(IdentityUrls.XmlSuffix).Append("\">").Append(shown).Append("</a></li>\n");
        }
        html.Append("</ul></body></html>\n");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private IResult ServeDocument(string name) =>
        IdentityName.Validate(name) is null && _store.TryGet(name, out var document)
            ? Results.Bytes(document.Encoded, DocumentContentType)
            : Results.NotFound();

    private async Task<IResult> PublishAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > IdentityDocument.MaxSize)
            return TooLarge(request.ContentLength.Value);
        // One byte more than allowed tells an oversized body from one that fits exactly.
        var buffer = new byte[IdentityDocument.MaxSize + 1];
        var length = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)
            .ConfigureAwait(false);
        if (length > IdentityDocument.MaxSize)
            return TooLarge(null);
        var acceptance = await _store.AcceptAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        var status = acceptance.Verdict switch
        {
            IdentityVerdict.Accepted or IdentityVerdict.Unchanged => StatusCodes.Status200OK,
            IdentityVerdict.Malformed => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status409Conflict,
        };
        return Results.Json(PublishAnswer.From(acceptance), IdentityJsonContext.Default.PublishAnswer, statusCode: status);
    }

    private IResult TooLarge(long? length)
    {
        var size = length is { } n ? n.ToString(CultureInfo.InvariantCulture) : $"more than {IdentityDocument.MaxSize}";
        var reason = $"identity document is {size} bytes, over the {IdentityDocument.MaxSize}-byte limit";
        _logger.Refused(IdentityVerdict.Malformed, reason);
        return Results.Json(new PublishAnswer(PublishAnswer.TooLarge, reason), IdentityJsonContext.Default.PublishAnswer,
            statusCode: StatusCodes.Status413PayloadTooLarge);
    }
}
