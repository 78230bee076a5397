using System.CommandLine;
using System.Text.Json.Nodes;

namespace BitDust.Mount.Cli;

/// <summary><c>bitdust identity create|get|backup|recover</c>, through the running daemon.</summary>
internal static class IdentityCommands
{
    private const string PassphraseVariable = "BITDUST_PASSPHRASE";

    public static Command Create()
    {
        var identity = new Command("identity", "This node's identity: create it, show it, back it up, recover it on another machine.");

        var name = new Argument<string>("name") { Description = "3-32 characters: a-z, 0-9, '-', '_', starting with a letter" };
        var create = new Command("create", "Create the keys and a signed identity, and publish it to the identity servers.") { name };
        create.SetAction((parse, ct) => CallAsync("/identity/create/v1", new JsonObject { ["username"] = parse.GetValue(name) }, ct));
        identity.Subcommands.Add(create);

        var get = new Command("get", "Show this node's identity.");
        get.SetAction((_, ct) => CallAsync("/identity/get/v1", null, ct));
        identity.Subcommands.Add(get);

        var passphraseFile = new Option<FileInfo?>("--passphrase-file")
        {
            Description = $"Read the passphrase from this file (else ${PassphraseVariable}, else it is asked for).",
        };
        var destination = new Argument<string>("file") { Description = "Where to write the backup" };
        var backup = new Command("backup", "Write the keys, sealed with a passphrase, and the identity to a file: keep it safe and offline.")
        {
            destination, passphraseFile,
        };
        backup.SetAction((parse, ct) => Passphrase(parse.GetValue(passphraseFile), confirm: true) is { } passphrase
            ? CallAsync("/identity/backup/v1", new JsonObject
            {
                ["destination_path"] = Path.GetFullPath(parse.GetValue(destination)!), ["passphrase"] = passphrase,
            }, ct)
            : Task.FromResult(ExitCodes.Usage));
        identity.Subcommands.Add(backup);

        var source = new Argument<string>("file") { Description = "A backup written by `bitdust identity backup`" };
        var recover = new Command("recover", "Bring an identity up in this (empty) home from its backup.") { source, passphraseFile };
        recover.SetAction((parse, ct) => Passphrase(parse.GetValue(passphraseFile), confirm: false) is { } passphrase
            ? CallAsync("/identity/recover/v1", new JsonObject
            {
                ["source_path"] = Path.GetFullPath(parse.GetValue(source)!), ["passphrase"] = passphrase,
            }, ct)
            : Task.FromResult(ExitCodes.Usage));
        identity.Subcommands.Add(recover);
        return identity;
    }

    private static Task<int> CallAsync(string path, JsonObject? body, CancellationToken cancellationToken) =>
        ApiCall.ShowAsync(body is null ? HttpMethod.Get : HttpMethod.Post, path, body, json: true, render: null, cancellationToken);

    private static string? Passphrase(FileInfo? file, bool confirm)
    {
        if (file is not null)
            return File.ReadAllText(file.FullName).TrimEnd('\r', '\n');
        if (Environment.GetEnvironmentVariable(PassphraseVariable) is { Length: > 0 } fromEnvironment)
            return fromEnvironment;
        if (Console.IsInputRedirected)
        {
            Console.Error.WriteLine($"error: no passphrase: use --passphrase-file FILE or set {PassphraseVariable}");
            return null;
        }
        var passphrase = Ask("Passphrase: ");
        if (confirm && Ask("Again: ") != passphrase)
        {
            Console.Error.WriteLine("error: the passphrases differ");
            return null;
        }
        if (passphrase.Length == 0)
        {
            Console.Error.WriteLine("error: an empty passphrase protects nothing");
            return null;
        }
        return passphrase;
    }

    private static string Ask(string prompt)
    {
        Console.Error.Write(prompt);
        var text = new System.Text.StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace && text.Length > 0)
                text.Length--;
            else if (!char.IsControl(key.KeyChar))
                text.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return text.ToString();
    }
}
