using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BitDust.Integration.Tests.Storage;

/// <summary>The customer's side: wait until it is READY, run <c>bitdust file ...</c>, follow transfers and catalog backups.</summary>
public partial class LocalnetFixture
{
    /// <summary>Long enough for a few hundred MiB up or down on a loaded 2-core machine.</summary>
    public static readonly TimeSpan TransferTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Hiring takes seconds; a restore on a fresh home may wait out one 30 s retry.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);


    /// <summary>
    /// Until the customer service of <paramref name="customer"/> (default: the localnet's customer) is READY with every position
    /// of its family held; returns <c>/supplier/list/v1</c>. A FAILED service or the timeout fails the test with the service's
    /// state, the family and the end of the customer's log.
    /// </summary>
    public Task<JsonArray> WaitCustomerReadyAsync(BitDustCli? customer = null, TimeSpan? timeout = null) =>
        WaitReadyAsync(customer ?? Customer, timeout);

    /// <summary><see cref="WaitCustomerReadyAsync"/> for any customer node, of a localnet or not.</summary>
    public static async Task<JsonArray> WaitReadyAsync(BitDustCli customer, TimeSpan? timeout = null)
    {
        var last = "no answer yet";
        return await PollAsync(async () =>
        {
            var service = Result(await customer.ApiAsync(HttpMethod.Get, "/service/info/service_customer/v1"));
            var state = service["network_state"]!.GetValue<string>();
            last = $"service {service["state"]} {state} ({service["reason"]})";
            Assert.False(state == "FAILED", $"the customer service of {customer.Home} FAILED: {last}\n{LogTail(customer.Home)}");
            if (state != "READY")
                return null;
            var family = Result(await customer.ApiAsync(HttpMethod.Get, "/supplier/list/v1")).AsArray();
            last = $"READY, family: {family.ToJsonString()}";
            return family.All(m => m!["supplier"] is not null && m["state"]!.GetValue<string>() is not ("fired" or "missing"))
                ? family
                : null;
        }, timeout ?? ReadyTimeout, () => $"the customer in {customer.Home} is not READY with its family: {last}\n" +
            LogTail(customer.Home));
    }

    /// <summary><c>bitdust file ARGS</c> as the customer, with a timeout fit for large transfers.</summary>
    public Task<(int ExitCode, string Output, string Error)> FileAsync(params string[] args) => FileAsync(Customer, args);

    public static Task<(int ExitCode, string Output, string Error)> FileAsync(BitDustCli customer, params string[] args) =>
        customer.RunAsync(TransferTimeout, ["file", .. args]);

    /// <summary><c>bitdust file ARGS</c> that must succeed; its output.</summary>
    public Task<string> FileOkAsync(params string[] args) => FileOkAsync(Customer, args);

    public static async Task<string> FileOkAsync(BitDustCli customer, params string[] args)
    {
        var (code, output, error) = await FileAsync(customer, args);
        Assert.True(code == 0, $"bitdust file {string.Join(' ', args)} exited {code}: {output}{error}\n{LogTail(customer.Home)}");
        return output;
    }

    /// <summary>Until every upload of <paramref name="customer"/> is complete (all n fragments of every block stored).</summary>
    public async Task WaitUploadsCompleteAsync(BitDustCli? customer = null)
    {
        customer ??= Customer;
        var last = "";
        await PollAsync(async () =>
        {
            var uploads = Result(await customer.ApiAsync(HttpMethod.Get, "/transfer/list/v1")).AsArray()
                .Where(t => t!["kind"]!.GetValue<string>() == "upload").ToList();
            last = string.Join("; ", uploads.Select(t => $"{t!["remote_path"]} {t["state"]} {t["bytes_done"]}/{t["bytes_total"]}"));
            var failed = uploads.FirstOrDefault(t => t!["state"]!.GetValue<string>() == "failed");
            Assert.True(failed is null, $"an upload failed: {failed?.ToJsonString()}\n{LogTail(customer.Home)}");
            return uploads.All(t => t!["state"]!.GetValue<string>() == "complete") ? "complete" : null;
        }, TransferTimeout, () => $"the uploads of {customer.Home} are not complete: {last}\n{LogTail(customer.Home)}");
    }

    /// <summary>
    /// Until what a restore needs is in the network: the catalog's backup holds every change made before this call, and the
    /// family's record is in the DHT and with every supplier.
    /// </summary>
    public Task WaitCatalogBackedUpAsync(BitDustCli? customer = null) => WaitBackedUpAsync(customer ?? Customer);

    /// <summary><see cref="WaitCatalogBackedUpAsync"/> for any customer node, of a localnet or not.</summary>
    public static async Task WaitBackedUpAsync(BitDustCli customer)
    {
        JsonNode? last = null;
        await PollAsync(async () =>
        {
            last = Result(await customer.ApiAsync(HttpMethod.Get, "/space/consumed/v1"));
            var backup = last["catalog_backup"];
            return backup?["current"]?.GetValue<bool>() == true && backup["version"]!.GetValue<long>() > 0 &&
                last["family_published"]?.GetValue<bool>() == true ? "backed up" : null;
        }, TimeSpan.FromSeconds(90), () => $"what a restore of {customer.Home} needs is not all in the network: " +
            $"{last?.ToJsonString() ?? "no answer"}\n{LogTail(customer.Home)}");
    }

    /// <summary>The "result" of an API answer that must be OK.</summary>
    public static JsonNode Result(JsonNode answer)
    {
        Assert.True(answer["status"]?.GetValue<string>() == "OK", $"the API answered {answer.ToJsonString()}");
        return answer["result"]!;
    }

    /// <summary>
    /// Calls <paramref name="probe"/> every 200 ms until it returns a value, for at most <paramref name="timeout"/>, then fails
    /// with <paramref name="failure"/>. A node that is not answering yet (restarting, no port file) counts as "not yet".
    /// </summary>
    public static Task<T> PollAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> failure) where T : class =>
        Eventually.ForAsync(() => probe().WaitAsync(TimeSpan.FromSeconds(30)), timeout, TimeSpan.FromMilliseconds(200), failure,
            notYet: e => e is HttpRequestException or IOException or TaskCanceledException or TimeoutException or JsonException
                or FormatException);
}
