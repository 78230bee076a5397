using System.Reflection;
using BitDust.Engine.Host.Configuration;

namespace BitDust.Engine.Tests.Host.Configuration;

public sealed class ConfigKeysTests
{
    [Fact]
    public void Every_key_the_schema_describes_has_a_constant_and_every_constant_is_described()
    {
        var constants = typeof(ConfigKeys).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(constants.Count, constants.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ConfigSchema.Keys.Select(k => k.Name).Order(StringComparer.Ordinal), constants.Order(StringComparer.Ordinal));
    }
}
