using System.Reflection;

namespace BitDust.Engine.Tests.Crypto;

/// <summary>Reads a key object's private secret arrays, to prove Dispose wipes them.</summary>
internal static class Secrets
{
    public static byte[][] Of(object owner, params string[] fieldNames) =>
        fieldNames
            .Select(name => owner.GetType().GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)
                ?? throw new InvalidOperationException($"{owner.GetType().Name} has no field {name}."))
            .Select(field => (byte[])field.GetValue(owner)!)
            .ToArray();
}
