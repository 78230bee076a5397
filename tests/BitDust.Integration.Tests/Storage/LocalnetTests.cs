using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace BitDust.Integration.Tests.Storage;

public sealed class LocalnetTests
{
    [Fact]
    public async Task Localnet_up_starts_genesis_and_suppliers_as_daemons_for_this_customer_and_down_stops_them()
    {
        await using var net = new LocalnetFixture(4);
        await net.InitializeAsync();

        // Genesis + 4 suppliers + the customer, each its own live process with its own ports.
        Assert.Single(net.Nodes, n => n.Role == "genesis");
        Assert.Equal(4, net.Suppliers.Count);
        Assert.Single(net.Nodes, n => n.Role == "customer" && n.Home == net.Customer.Home);
        Assert.All(net.Nodes, n => Assert.True(n.Alive, $"{n.Name} is not alive"));
        Assert.Equal(net.Nodes.Count, net.Nodes.Select(n => n.Pid).Distinct().Count());
        var ports = net.Nodes.SelectMany(n => n.Ports).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.Matches("^genesis-[a-z0-9]{4}$", net.Genesis.Name);
        Assert.All(net.Suppliers, s => Assert.Matches("^supplier-[1-4]-[a-z0-9]{4}$", s.Name));

        // The customer points at the genesis node's DHT and identity server, and wants 4 suppliers; each supplier supplies.
        var status = await net.StatusAsync();
        var genesisPorts = status["nodes"]!.AsArray().Single(n => n!["role"]!.GetValue<string>() == "genesis")!["ports"]!;
        Assert.Equal($"127.0.0.1:{genesisPorts["dht"]}", await GetAsync(net.Customer, "services/entangled-dht/known-nodes"));
        Assert.Equal($"127.0.0.1:{genesisPorts["identity_web"]}:{genesisPorts["identity_tcp"]}",
            await GetAsync(net.Customer, "services/identity-propagate/known-servers"));
        Assert.Equal("true", await GetAsync(net.Customer, "services/customer/enabled"));
        Assert.Equal("4", await GetAsync(net.Customer, "services/customer/suppliers-number"));
        foreach (var supplier in net.Suppliers)
            Assert.Equal("true", await GetAsync(LocalnetFixture.CliOf(supplier), "services/supplier/enabled"));
        Assert.Contains("identity_propagate PUBLISHED", (await net.Customer.RunOkAsync("localnet", "status")), StringComparison.Ordinal);

        // Up again changes nothing.
        Assert.Contains("already up", await net.Customer.RunOkAsync("localnet", "up"), StringComparison.Ordinal);
        var (mismatch, _, mismatchError) = await net.Customer.RunAsync("localnet", "up", "--suppliers", "7");
        Assert.Equal(2, mismatch);
        Assert.Contains("has 4 suppliers", mismatchError, StringComparison.Ordinal);

        // Down stops the genesis node and the suppliers; the customer keeps running and is told so.
        var down = await net.Customer.RunOkAsync("localnet", "down");
        Assert.Contains("This node keeps running", down, StringComparison.Ordinal);
        var stopped = net.Nodes.Where(n => n.Role != "customer").ToList();
        await Eventually.UntilAsync(() => !stopped.Any(n => IsRunning(n.Pid)), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100),
            () => "localnet down left suppliers running");
        Assert.All(stopped, n => Assert.False(IsRunning(n.Pid), $"{n.Name} (pid {n.Pid}) still runs after localnet down"));
        Assert.True(IsRunning(net.Nodes.Single(n => n.Role == "customer").Pid));
        var after = LocalnetFixture.ParseNodes(await net.StatusAsync());
        Assert.All(after.Where(n => n.Role != "customer"), n => Assert.False(n.Alive));
    }

    [Fact]
    public async Task Localnet_refuses_a_supplier_count_BitDust_does_not_offer_and_says_when_there_is_none()
    {
        await using var cli = BitDustCli.WithFreshHome();
        var (code, _, error) = await cli.RunAsync("localnet", "up", "--suppliers", "5");
        Assert.Equal(2, code);
        Assert.Contains("2, 4, 7, 13, 18, 26, 64", error, StringComparison.Ordinal);
        var (donated, _, donatedError) = await cli.RunAsync("localnet", "up", "--donated", "lots");
        Assert.Equal(2, donated);
        Assert.Contains("services/supplier/donated-space", donatedError, StringComparison.Ordinal);

        var (status, output, _) = await cli.RunAsync("localnet", "status");
        Assert.Equal(3, status);
        Assert.Contains("There is no localnet", output, StringComparison.Ordinal);
        Assert.Contains("There is no localnet", await cli.RunOkAsync("localnet", "down"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(cli.Home, "localnet")));
    }

    private static async Task<string> GetAsync(BitDustCli cli, string key) => (await cli.RunOkAsync("get", key)).Trim();

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited)
                return false;
            // A SIGKILLed daemon may linger as a zombie until init reaps it.
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z') is false;
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
            return false;
        }
    }
}
