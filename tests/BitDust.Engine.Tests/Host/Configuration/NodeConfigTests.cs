using BitDust.Engine.Common;
using BitDust.Engine.Host.Configuration;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Engine.Tests.Host.Configuration;

public sealed class NodeConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bitdust-config-").FullName;

    [Theory]
    [InlineData("services/supplier/donated-space", "50 GB", "50 GB")]
    [InlineData("services/supplier/donated-space", "512mb", "512 MB")]
    [InlineData("services/supplier/donated-space", "1.5 TB", "1536 GB")]
    [InlineData("services/supplier/donated-space", "4096", "4 KB")]
    [InlineData("services/entangled-dht/udp-port", "14441", "14441")]
    [InlineData("services/entangled-dht/known-nodes", "genesis", "genesis")]
    [InlineData("services/entangled-dht/known-nodes", "10.0.0.1:14441, host-b:14441", "10.0.0.1:14441,host-b:14441")]
    [InlineData("services/identity-propagate/known-servers", "id.example.org:8084:6661", "id.example.org:8084:6661")]
    [InlineData("services/customer/suppliers-number", "13", "13")]
    [InlineData("services/supplier/enabled", "yes", "true")]
    public async Task Good_values_are_stored_in_normal_form_and_survive_a_restart(string key, string value, string stored)
    {
        var config = NodeConfig.Load(new NodeHome(_folder));

        Assert.Equal(stored, await config.SetAsync(key, value));

        var reloaded = NodeConfig.Load(new NodeHome(_folder));
        Assert.Equal(stored, reloaded.Get(key));
        Assert.True(reloaded.IsSet(key));
    }

    [Theory]
    [InlineData("services/entangled-dht/udp-port", "99999", "port number")]
    [InlineData("services/entangled-dht/udp-port", "http", "port number")]
    [InlineData("services/supplier/donated-space", "lots", "size")]
    [InlineData("services/supplier/donated-space", "-5 GB", "size")]
    [InlineData("services/entangled-dht/known-nodes", "host-without-port", "host:port")]
    [InlineData("services/entangled-dht/known-nodes", "a:1,b:0", "host:port")]
    [InlineData("services/identity-propagate/known-servers", "id.example.org:8084", "host:web-port:tcp-port")]
    [InlineData("services/customer/suppliers-number", "5", "2, 4, 7, 13, 18, 26, 64")]
    [InlineData("services/supplier/enabled", "maybe", "true or false")]
    public async Task Bad_values_are_refused_naming_the_key_and_what_is_expected(string key, string value, string expected)
    {
        var config = NodeConfig.Load(new NodeHome(_folder));

        var error = await Assert.ThrowsAsync<ConfigException>(() => config.SetAsync(key, value));

        Assert.StartsWith(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(config.IsSet(key));
    }

    [Fact]
    public async Task An_unknown_key_suggests_close_names()
    {
        var config = NodeConfig.Load(new NodeHome(_folder));

        var error = await Assert.ThrowsAsync<ConfigException>(() => config.SetAsync("services/dht/udp-port", "1"));

        Assert.Contains("services/entangled-dht/udp-port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_BitDusts()
    {
        var config = NodeConfig.Load(new NodeHome(_folder));

        Assert.Equal(8180, config.GetPort("interface/api/rest-http-port"));
        Assert.Equal(14441, config.GetPort("services/entangled-dht/udp-port"));
        Assert.Equal(7, config.GetSupplierCount("services/customer/suppliers-number"));
        Assert.All(ConfigSchema.Keys, key => Assert.Equal(key.Default, ConfigValues.Normalize(key, key.Default)));
    }

    [Fact]
    public void Generated_garbage_for_every_key_is_either_refused_with_the_key_named_or_normalized_stably()
    {
        var cases = from key in Gen.Elements(ConfigSchema.Keys.ToArray())
                    from value in Gen.OneOf(ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
                        Gen.Elements("0", "65536", "1e9", "12 XB", "a:b:c", ",,,", "genesis,x", " 7 ", "9223372036854775807 TB"))
                    select (key, value);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            try
            {
                var normalized = ConfigValues.Normalize(c.key, c.value);
                return ConfigValues.Normalize(c.key, normalized) == normalized;
            }
            catch (ConfigException e)
            {
                return e.Message.StartsWith(c.key.Name, StringComparison.Ordinal);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void A_damaged_config_file_is_a_clear_error_naming_the_file()
    {
        File.WriteAllText(Path.Combine(_folder, "config.json"), "{ not json");

        var error = Assert.Throws<ConfigException>(() => NodeConfig.Load(new NodeHome(_folder)));

        Assert.Contains("config.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_file_with_a_bad_value_names_the_key()
    {
        File.WriteAllText(Path.Combine(_folder, "config.json"), """{"services/entangled-dht/udp-port": "x"}""");

        var error = Assert.Throws<ConfigException>(() => NodeConfig.Load(new NodeHome(_folder)));

        Assert.Contains("services/entangled-dht/udp-port", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
