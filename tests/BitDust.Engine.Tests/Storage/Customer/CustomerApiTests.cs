using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BitDust.Engine.Common;
using BitDust.Engine.Host.Api;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Host.Services;
using BitDust.Engine.Identity;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;
using static BitDust.Engine.Tests.Storage.Customer.CustomerHarness;

namespace BitDust.Engine.Tests.Storage.Customer;

/// <summary>The customer endpoints on a node whose customer service is off: bad input is a 400, the rest a 409 saying what to do.</summary>
public sealed class CustomerApiTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bitdust-api-").FullName;
    private readonly HttpClient _identityHttp = new();
    private ServiceRegistry _services = null!;
    private RestApi _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var home = new NodeHome(_folder);
        home.Create();
        var config = NodeConfig.Load(home);
        var identities = new IdentityClient(_identityHttp);
        var owner = new OwnerIdentity(home, identities);
        var dht = new EntangledDhtService(config, NullLoggerFactory.Instance);
        var resolver = new NetworkIdentityResolver(identities, new IdentityCache(), config, dht);
        var transport = new TcpConnectionsService(config, owner, resolver, NullLoggerFactory.Instance);
        var customer = new CustomerService(home, config, owner, transport, dht, resolver, NullLoggerFactory.Instance);
        var rebuilding = new RebuildingService(customer, NullLoggerFactory.Instance);
        _services = new ServiceRegistry(
        [
            dht, transport,
                new IdentityPropagateService(config, owner, identities, transport, dht, NullLogger<IdentityPropagateService>.Instance),
            customer, rebuilding, new EmployerService(customer, rebuilding, config, resolver, NullLoggerFactory.Instance),
        ], config, NullLogger.Instance);
        var context = new NodeApiContext(home, config, _services, owner, resolver, DateTimeOffset.UtcNow, () => { });
        _api = RestApi.Create(0, token: null, logs: null, routes =>
        {
            FileEndpoints.Map(routes, context);
            CustomerSpaceEndpoints.Map(routes, context);
            TransferEndpoints.Map(routes, context);
            SupplierEndpoints.Map(routes, context);
        });
        await _api.StartAsync(CancellationToken.None).WaitAsync(StepTimeout);
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_api.Port}") };
    }

    [Fact]
    public async Task A_valid_request_to_a_customer_service_that_is_off_is_a_409_saying_how_to_turn_it_on()
    {
        foreach (var (method, path) in new[] { ("GET", "/file/list/v1"), ("GET", "/transfer/list/v1"), ("GET", "/supplier/list/v1"),
            ("GET", "/space/consumed/v1"), ("GET", "/file/info/v1?remote_path=a"), ("DELETE", "/file/delete/v1?remote_path=a"),
            ("GET", "/file/upload/v1?id=abc") })
        {
            var (status, errors) = await SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains("services/customer/enabled true", errors, StringComparison.Ordinal);
        }
        var (uploadStatus, uploadErrors) = await PostAsync("/file/upload/start/v1", """{"local_path": "/tmp/a"}""");
        Assert.Equal((HttpStatusCode.Conflict, true),
            (uploadStatus, uploadErrors.Contains("services/customer/enabled true", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Bad_bodies_and_paths_are_a_400_with_the_reason()
    {
        var cases = new[]
        {
            ("/file/upload/start/v1", "", "not valid JSON"),
            ("/file/upload/start/v1", "[1]", "JSON object"),
            ("/file/upload/start/v1", """{"remote_path": "a"}""", "local_path"),
            ("/file/upload/start/v1", """{"local_path": "/tmp/a", "remote_path": "../etc"}""", "remote_path: "),
            ("/file/upload/start/v1", """{"local_path": "/tmp/a", "remote_path": ""}""", "remote_path: "),
            ("/file/download/start/v1", """{"local_path": "/tmp/x"}""", "remote_path"),
            ("/file/download/start/v1", """{"remote_path": "a", "destination_folder": "relative"}""", "destination_folder"),
            ("/file/download/start/v1", """{"remote_path": "//abs", "local_path": "/tmp/x"}""", "relative"),
        };
        foreach (var (path, body, reason) in cases)
        {
            var (status, errors) = await PostAsync(path, body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(reason, errors, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.BadRequest,
            (await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/file/info/v1?remote_path=a//b"))).Status);
        var deleteGarbage = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/file/delete/v1")
        {
            Content = new StringContent("[1]", System.Text.Encoding.UTF8, "application/json"),
        });
        Assert.Equal(HttpStatusCode.BadRequest, deleteGarbage.Status);
        Assert.Contains("JSON object", deleteGarbage.Errors, StringComparison.Ordinal);

        var garbage = Gen.OneOf(ArbMap.Default.GeneratorFor<string>(),
            ArbMap.Default.GeneratorFor<string>()
                .Select(s => $$"""{"local_path": {{System.Text.Json.JsonSerializer.Serialize(s)}}, "remote_path": 7}"""));
        Prop.ForAll(garbage.ToArbitrary(), body =>
        {
            var (status, errors) = PostAsync("/file/upload/start/v1", body ?? "").GetAwaiter().GetResult();
            return status is HttpStatusCode.BadRequest or HttpStatusCode.Conflict && errors.Length > 0;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Fact]
    public async Task The_employer_verbs_refuse_bad_positions_with_a_400_and_say_why_the_employer_is_not_running_with_a_409()
    {
        foreach (var (method, path, body, reason) in new[]
        {
            ("POST", "/supplier/replace/v1", """{"position": "two"}""", "whole number"),
            ("POST", "/supplier/replace/v1", """{"position": -1}""", "whole number"),
            ("POST", "/supplier/replace/v1", "{}", "the body needs"),
            ("DELETE", "/supplier/replace/v1?position=x", "", "whole number"),
        })
        {
            var (status, errors) = await SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(reason, errors, StringComparison.Ordinal);
        }
        foreach (var (method, path) in new[] { ("POST", "/supplier/ping/v1"), ("POST", "/supplier/audit/v1"),
            ("POST", "/supplier/replace/v1?position=2"), ("DELETE", "/supplier/replace/v1?position=2") })
        {
            var (status, errors) = await SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains("the employer service is not running", errors, StringComparison.Ordinal);
        }
    }

    private Task<(HttpStatusCode Status, string Errors)> PostAsync(string path, string body) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") });

    private async Task<(HttpStatusCode Status, string Errors)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _client.SendAsync(request).WaitAsync(StepTimeout);
            var envelope = await response.Content.ReadFromJsonAsync<JsonObject>().WaitAsync(StepTimeout);
            Assert.Equal("ERROR", envelope!["status"]!.GetValue<string>());
            return (response.StatusCode, envelope["errors"]!.ToJsonString());
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync().AsTask().WaitAsync(StepTimeout);
        await _services.DisposeAsync().AsTask().WaitAsync(StepTimeout);
        _identityHttp.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
