using System.Diagnostics;
using Lyceum.Modules.Identity;
using Lyceum.Platform.Audit;
using Lyceum.Platform.Data;
using Lyceum.Platform.Demo;
using Lyceum.Platform.Startup;

namespace Lyceum.Platform.Cli;

/// <summary>
/// The sub-commands of the one binary: <c>dotnet run --project src/Lyceum.Web -- migrate</c> or <c>-- seed …</c>.
/// With none, the app runs. The command and its options are taken out of the arguments before the host reads them.
/// </summary>
public sealed record CliCommand(string Name, IReadOnlyDictionary<string, string> Options)
{
    public static readonly IReadOnlyList<string> Known = ["migrate", "seed", "reset-admin-password", "help"];

    private static readonly Dictionary<string, string[]> OptionsOf = new()
    {
        ["seed"] = ["schools", "students", "seed"],
        ["reset-admin-password"] = ["email"],
    };

    private const string Unknown = "(unknown)";

    /// <summary>Splits the arguments into a command (if the first is one) and the rest for the host.</summary>
    public static (CliCommand? Command, string[] HostArgs) Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-') && args[0] is not ("--help" or "-h"))
        {
            return (null, args);
        }

        if (!Known.Contains(args[0].ToLowerInvariant()) && args[0] is not ("--help" or "-h"))
        {
            // A mistyped command must not quietly start the server instead.
            return (new CliCommand(Unknown, new Dictionary<string, string> { ["command"] = args[0] }), args[1..]);
        }

        var name = args[0].ToLowerInvariant() is "--help" or "-h" ? "help" : args[0].ToLowerInvariant();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var rest = new List<string>();
        var allowed = OptionsOf.GetValueOrDefault(name, []);
        for (var i = 1; i < args.Length; i++)
        {
            var key = args[i].TrimStart('-');
            if (allowed.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    options["error"] = $"{args[i]} needs a value.";
                }
                else
                {
                    options[key] = args[++i];
                }
            }
            else if (allowed.Length > 0 && args[i].StartsWith("--", StringComparison.Ordinal) && !key.Contains(':') && !key.Contains('='))
            {
                // "--school 2" must not quietly seed the default; host settings ("--Database:Provider=…") pass.
                options["error"] = $"Unknown option {args[i]} for '{name}'. Options: {string.Join(", ", allowed.Select(a => "--" + a))}.";
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return (new CliCommand(name, options), [.. rest]);
    }

    public async Task<int> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        // Whoever is at the console: the trail says which command made a change.
        using var actor = AuditActor.Begin(new AuditActor(null, $"system:cli {Name}"));
        if (Options.TryGetValue("error", out var optionError))
        {
            await Console.Error.WriteLineAsync(optionError);
            return 2;
        }

        switch (Name)
        {
            case "migrate":
                await RunStartupTaskAsync<MigrateDatabase>(services, cancellationToken);
                Console.WriteLine("Database is up to date.");
                return 0;
            case "seed":
                if (!TryReadSeedOptions(out var options, out var error))
                {
                    await Console.Error.WriteLineAsync(error);
                    return 2;
                }

                await RunStartupTaskAsync<MigrateDatabase>(services, cancellationToken);
                foreach (var task in services.GetServices<IStartupTask>().Where(t => t is not MigrateDatabase and not SeedDemoOnFirstStart))
                {
                    await task.RunAsync(cancellationToken);
                }

                var clock = Stopwatch.StartNew();
                var seeder = services.GetRequiredService<DemoSeeder>();
                await seeder.SeedAsync(options, new SyncProgress(Console.WriteLine), cancellationToken);
                Console.WriteLine($"Seeded {options.Schools} school(s), {options.Students} students in {clock.Elapsed.TotalSeconds:0.0} s.");
                return 0;
            case "reset-admin-password":
                await RunStartupTaskAsync<MigrateDatabase>(services, cancellationToken);
                return await services.GetRequiredService<ResetAdministratorPassword>()
                    .RunAsync(Options.GetValueOrDefault("email"), cancellationToken);
            case Unknown:
                await Console.Error.WriteLineAsync($"Unknown command '{Options["command"]}'. Commands: {string.Join(", ", Known)}.");
                await Console.Error.WriteLineAsync("Run with no command to start the app; 'help' lists the options.");
                return 2;
            default:
                Console.WriteLine(Help);
                return 0;
        }
    }

    private bool TryReadSeedOptions(out DemoOptions options, out string error)
    {
        options = new DemoOptions();
        error = string.Empty;
        foreach (var (key, text) in Options.Where(o => o.Key != "error"))
        {
            if (!int.TryParse(text, out var value) || value < 1)
            {
                error = $"--{key} must be a whole number of at least 1 (got '{text}').";
                return false;
            }

            options = key.ToLowerInvariant() switch
            {
                "schools" => options with { Schools = value },
                "students" => options with { Students = value },
                _ => options with { Seed = value },
            };
        }

        if (options.Students < options.Schools || options.Students > DemoOptions.MaxStudents)
        {
            error = $"--students must be from the number of schools to {DemoOptions.MaxStudents}.";
            return false;
        }

        return true;
    }

    private static Task RunStartupTaskAsync<T>(IServiceProvider services, CancellationToken cancellationToken)
        where T : IStartupTask => services.GetRequiredService<T>().RunAsync(cancellationToken);

    private const string Help = """
        Lyceum — school management platform

        Usage: dotnet run --project src/Lyceum.Web [-- <command> [options]] [--urls http://host:port]

        Commands:
          (none)      run the web app and API (migrates and seeds the demo on an empty database first)
          migrate     apply database migrations, then exit
          seed        add demo schools, then exit
                        --schools N    schools to add (default 1)
                        --students N   students across them (default 600)
                        --seed N       random seed; the same seed gives the same schools (default 20260901)
          reset-admin-password
                      a new generated password for the administrator, shown once; lifts a lockout
                        --email E      another administrator than Lyceum__Admin__Email / admin@lyceum.local
          help        this text

        Configuration (environment variables win): Database__Provider, ConnectionStrings__Lyceum,
        Lyceum__Admin__Email, Lyceum__Admin__Password, Lyceum__Demo__Enabled, Redis__Configuration — see README.md.
        """;

    /// <summary>Reports on the calling thread, so progress lines appear in order and before the command returns.</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
