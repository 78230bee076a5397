namespace BitDust.Engine.Identity;

/// <summary>
/// BitDust user names: 3 to 32 of lowercase letters, digits, '-' and '_', starting with a letter as BitDust requires.
/// The same set makes a safe file name and URL path segment, which the identity server relies on.
/// </summary>
public static class IdentityName
{
    public const int MinLength = 3;
    public const int MaxLength = 32;

    /// <summary>Null when <paramref name="name"/> is a valid user name, otherwise what is wrong with it.</summary>
    public static string? Validate(string? name)
    {
        if (name is null || name.Length is < MinLength or > MaxLength)
            return $"a user name is {MinLength} to {MaxLength} characters, not {name?.Length ?? 0}";
        if (!char.IsAsciiLetterLower(name[0]))
            return $"user name \"{SafeText.Printable(name)}\" must start with a lowercase letter";
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('-' or '_'))
                return $"user name \"{SafeText.Printable(name)}\" may hold only lowercase letters, digits, '-' and '_'";
        }
        return null;
    }
}
