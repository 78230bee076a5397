using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BitDust.Engine.Host.Services;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary>
/// The employer's verbs on the customer's family: <c>/supplier/replace/v1</c> (POST, or DELETE as BitDust has it) fires the
/// supplier at a position and hires another now; <c>/supplier/ping/v1</c> and <c>/supplier/audit/v1</c> ping or audit every
/// member now and answer with each one's result; <c>/supplier/family/new/v1</c> makes a customer whose recovered identity finds
/// no family in the network stop looking and hire a new one. Bad input is a 400; an employer that is off or still waiting is a
/// 409.
/// </summary>
public static class SupplierEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapPost("/supplier/replace/v1", (HttpRequest request, CancellationToken cancellationToken) =>
            ReplaceAsync(node, request, cancellationToken));
        api.MapDelete("/supplier/replace/v1", (HttpRequest request, CancellationToken cancellationToken) =>
            ReplaceAsync(node, request, cancellationToken));

        api.MapPost("/supplier/family/new/v1", () =>
        {
            var customer = node.Services.Running<CustomerService>();
            if (customer is null)
                return ApiResult.Error(StatusCodes.Status409Conflict, "the customer service is not running; `bitdust states` says why");
            return customer.HireNewFamily()
                ? ApiResult.Ok(new { state = "HIRING" })
                : ApiResult.Error(StatusCodes.Status409Conflict, $"the customer is {customer.State}, not looking for its family: " +
                    "a new family is hired only by a customer whose recovered identity finds none");
        });

        api.MapPost("/supplier/ping/v1", async (CancellationToken cancellationToken) =>
        {
            if (!TryEmployer(node, out var employer, out var error))
                return error;
            var pings = await employer.PingAllAsync(cancellationToken).ConfigureAwait(false);
            return ApiResult.Ok(pings.Select(p => new
            {
                position = p.Position,
                supplier = p.Supplier,
                state = p.State.ToString().ToLowerInvariant(),
                answered = p.Problem is null,
                round_trip_ms = p.RoundTrip?.TotalMilliseconds,
                error = p.Problem,
            }));
        });

        api.MapPost("/supplier/audit/v1", async (CancellationToken cancellationToken) =>
        {
            if (!TryEmployer(node, out var employer, out var error))
                return error;
            var audits = await employer.AuditAllAsync(cancellationToken).ConfigureAwait(false);
            return ApiResult.Ok(audits.Select(a => new
            {
                position = a.Position,
                supplier = a.Supplier,
                result = a.Outcome.ToString().ToLowerInvariant(),
                fragments_checked = a.FragmentsChecked,
                problems = a.Problems,
                action = a.Action,
            }));
        });
    }

    private static async Task<IResult> ReplaceAsync(NodeApiContext node, HttpRequest request, CancellationToken cancellationToken)
    {
        var (target, problem) = await ReadTargetAsync(request, cancellationToken).ConfigureAwait(false);
        if (target is null)
            return ApiResult.Error(StatusCodes.Status400BadRequest, problem!);
        if (!TryEmployer(node, out var employer, out var error))
            return error;
        var members = node.Services.Running<CustomerService>()?.Storage?.Family.Members ?? [];
        int position;
        if (target.Value.Position is { } given)
        {
            if (given >= members.Count)
                return ApiResult.Error(StatusCodes.Status400BadRequest,
                    $"position {given} is outside the family (positions 0 to {members.Count - 1}; see `bitdust supplier list`)");
            position = given;
        }
        else
        {
            position = members.Select((m, p) => (m, p)).FirstOrDefault(e => e.m?.Supplier == target.Value.Supplier, (null, -1)).p;
            if (position < 0)
                return ApiResult.Error(StatusCodes.Status400BadRequest,
                    $"{target.Value.Supplier} is not in the family (see `bitdust supplier list`)");
        }
        var report = await employer.ReplaceAsync(position, "replaced on request", cancellationToken).ConfigureAwait(false);
        return ApiResult.Ok(new { position = report.Position, fired = report.Fired, hired = report.Hired, status = report.Status });
    }

    /// <summary>
    /// The position (?position=N, or "position"/"index" in the body) or the supplier ("supplier"/"global_id"/"idurl") to replace.
    /// </summary>
    private static async Task<((int? Position, string? Supplier)? Target, string? Problem)> ReadTargetAsync(HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (request.Query.TryGetValue("position", out var query))
            return ParsePosition(query.ToString());
        var (body, error) = await RequestBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body is null)
            return (null, error);
        if ((RequestBody.GetText(body, "position") ?? RequestBody.GetText(body, "index")) is { } position)
            return ParsePosition(position);
        if ((RequestBody.GetText(body, "supplier") ?? RequestBody.GetText(body, "global_id") ?? RequestBody.GetText(body, "idurl")) is
            { Length: > 0 } supplier)
            return ((null, supplier), null);
        return (null, "the body needs \"position\": the family position to replace (`bitdust supplier list` shows them)");
    }

    private static ((int? Position, string? Supplier)? Target, string? Problem) ParsePosition(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? ((position, null), null)
            : (null, $"position must be a whole number from 0, not \"{text}\"");

    private static bool TryEmployer(NodeApiContext node, [NotNullWhen(true)] out Employer? employer,
        [NotNullWhen(false)] out IResult? error)
    {
        var service = node.Services.Running<EmployerService>();
        employer = service?.Employer;
        if (employer is not null)
        {
            error = null;
            return true;
        }
        if (service is not null)
        {
            var customer = node.Services.Running<CustomerService>();
            error = ApiResult.Error(StatusCodes.Status409Conflict,
                $"the employer waits for the customer service to be READY (it is {customer?.State ?? "OFF"}); try again then");
            return false;
        }
        var status = node.Services.List().FirstOrDefault(s => s.Name == "employer");
        error = ApiResult.Error(StatusCodes.Status409Conflict, status is { Enabled: false }
            ? "the employer service is off: turn it on with `bitdust set services/employer/enabled true`, then restart the node"
            : $"the employer service is not running{(status?.Reason is { } reason ? $" ({reason})" : "")}; `bitdust states` says why");
        return false;
    }
}
