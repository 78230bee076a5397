using System.Globalization;
using BitDust.Engine.Common;
using BitDust.Engine.Crypto;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Host.Services;
using BitDust.Engine.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary>
/// <c>/identity/*</c>: create, show, back up, recover. Unlike BitDust's, a backup is sealed with a passphrase, so the body of
/// backup and recover carries one.
/// </summary>
public static class IdentityEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapGet("/identity/get/v1", () => node.Owner.TryLoad() is { } document
            ? ApiResult.Ok(Describe(document))
            : ApiResult.Error(StatusCodes.Status404NotFound, "this node has no identity yet: POST /identity/create/v1 {\"username\": NAME}"));

        api.MapPost("/identity/create/v1", (HttpRequest request, CancellationToken cancellationToken) =>
            WithBody(request, cancellationToken, async body =>
            {
                if (RequestBody.GetText(body, "username") is not { } name)
                    return ApiResult.Error(StatusCodes.Status400BadRequest, "the body needs a \"username\"");
                var config = node.Config;
                var host = await ContactHost.ResolveAsync(config, cancellationToken).ConfigureAwait(false);
                var contacts = new[] { $"tcp://{host}:" + config.GetPort(ConfigKeys.TcpConnectionsTcpPort).ToString(CultureInfo.InvariantCulture) };
                var servers = config.GetList(ConfigKeys.IdentityPropagateKnownServers).Select(IdentityServerAddress.Parse).ToList();
                var document = await node.Owner.CreateAsync(name, contacts, servers, cancellationToken).ConfigureAwait(false);
                await node.Services.StartAsync(cancellationToken).ConfigureAwait(false);
                return ApiResult.Ok(Describe(document));
            }));

        api.MapPost("/identity/backup/v1", (HttpRequest request, CancellationToken cancellationToken) =>
            WithBody(request, cancellationToken, async body =>
            {
                if (RequestBody.GetText(body, "destination_path") is not { } path || RequestBody.GetText(body, "passphrase") is not { } passphrase)
                    return ApiResult.Error(StatusCodes.Status400BadRequest, "the body needs \"destination_path\" and \"passphrase\"");
                var backup = node.Owner.Backup(passphrase);
                await AtomicFile.WriteAsync(path, backup, UnixFileMode.UserRead | UnixFileMode.UserWrite, cancellationToken).ConfigureAwait(false);
                return ApiResult.Ok(new { destination_path = Path.GetFullPath(path), bytes = backup.Length });
            }));

        api.MapPost("/identity/recover/v1", (HttpRequest request, CancellationToken cancellationToken) =>
            WithBody(request, cancellationToken, async body =>
            {
                if (RequestBody.GetText(body, "source_path") is not { } path || RequestBody.GetText(body, "passphrase") is not { } passphrase)
                    return ApiResult.Error(StatusCodes.Status400BadRequest, "the body needs \"source_path\" and \"passphrase\"");
                if (!File.Exists(path) || new FileInfo(path).Length > IdentityBackupFile.MaxSize)
                    return ApiResult.Error(StatusCodes.Status400BadRequest, $"{path} is not a key backup file");
                var backup = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                var document = await node.Owner.RecoverAsync(backup, passphrase, cancellationToken).ConfigureAwait(false);
                await node.Services.StartAsync(cancellationToken).ConfigureAwait(false);
                return ApiResult.Ok(Describe(document));
            }));
    }

    public static object Describe(IdentityDocument document) => new
    {
        name = document.Name,
        revision = document.Revision,
        fingerprint = document.PublicKey.Fingerprint,
        contacts = document.Contacts,
        identity_servers = document.Servers.Select(s => s.ToString()),
        idurl = document.Servers.Count > 0 ? document.Servers[0].IdentityUrl(document.Name).ToString() : null,
        signed_at = document.SignedAt,
    };

    /// <summary>Parses the body and turns the errors users cause into BitDust's error envelope.</summary>
    private static async Task<IResult> WithBody(HttpRequest request, CancellationToken cancellationToken,
        Func<System.Text.Json.Nodes.JsonObject, Task<IResult>> handle)
    {
        var (body, error) = await RequestBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body is null)
            return ApiResult.Error(StatusCodes.Status400BadRequest, error!);
        try
        {
            return await handle(body).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or CryptoException or IOException
                                       or UnauthorizedAccessException)
        {
            return ApiResult.Error(StatusCodes.Status400BadRequest, e.Message);
        }
    }
}
