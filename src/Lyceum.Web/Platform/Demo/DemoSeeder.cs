using Bogus;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Audit;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Demo;

/// <summary>How big a demo to make. <c>Lyceum:Demo:*</c> for the first start; <c>seed --schools --students --seed</c> on the command line.</summary>
public sealed record DemoOptions(int Schools = 1, int Students = 600, int Seed = 20260901)
{
    public const int MaxStudents = 1_000_000;
}

/// <summary>The state shared by the contributors while one demo school is generated.</summary>
public sealed class DemoSchool(School school, Faker faker, int students, DateOnly today)
{
    public School School { get; } = school;

    /// <summary>Seeded per school: the same seed always gives the same school.</summary>
    public Faker Faker { get; } = faker;

    public int Students { get; } = students;

    public DateOnly Today { get; } = today;

    /// <summary>What earlier contributors made that later ones need (the current term, sections, …).</summary>
    public Dictionary<string, object> Items { get; } = [];
}

/// <summary>
/// One part of the demo school. The records contributor makes the people and the timetable; later modules add theirs
/// (attendance marks, grades, sessions…) by registering another contributor with a higher <see cref="Order"/>.
/// </summary>
public interface IDemoContributor
{
    int Order { get; }

    Task ContributeAsync(DemoSchool school, LyceumDbContext db, IProgress<string> progress, CancellationToken cancellationToken);
}

/// <summary>Makes demo schools, deterministic by seed: creates each school and runs every contributor on it.</summary>
public sealed class DemoSeeder(
    IDbContextFactory<LyceumDbContext> contexts, IEnumerable<IDemoContributor> contributors, TimeProvider clock)
{
    private static readonly string[] Suffixes = ["Academy", "High School", "Community College", "School", "Grammar School"];

    /// <summary>
    /// Adds <see cref="DemoOptions.Schools"/> schools. Each school is one transaction: an interrupted seed leaves
    /// nothing half-made. With <paramref name="onlyIntoEmpty"/> it adds nothing when the database already has a
    /// school, checked under a lock, so several nodes starting on one empty database seed it once.
    /// </summary>
    /// <returns>The number of schools added.</returns>
    public async Task<int> SeedAsync(
        DemoOptions options, IProgress<string> progress, CancellationToken cancellationToken, bool onlyIntoEmpty = false)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        using var actor = AuditActor.Begin(new AuditActor(null, "system:demo"));
        for (var i = 0; i < options.Schools; i++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (db.Database.IsNpgsql())
            {
                // SQLite's write transaction already serialises seeders; PostgreSQL needs a lock of its own.
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(20260901)", cancellationToken);
            }

            var existing = await db.Schools.CountAsync(cancellationToken);
            if (onlyIntoEmpty && existing > 0)
            {
                return i;
            }

            var number = existing + 1;
            var students = options.Students / options.Schools + (i < options.Students % options.Schools ? 1 : 0);
            var demo = NewSchool(options.Seed, number, students, today);
            progress.Report($"School {i + 1} of {options.Schools}: {demo.School.Name} ({students} students)");
            foreach (var contributor in contributors.OrderBy(c => c.Order))
            {
                db.ChangeTracker.Clear();
                await contributor.ContributeAsync(demo, db, progress, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return options.Schools;
    }

    private static DemoSchool NewSchool(int seed, int number, int students, DateOnly today)
    {
        var faker = new Faker("en_GB") { Random = new Randomizer(seed + number) };
        var town = faker.PickRandom(DemoNames.Towns);
        var suffix = faker.PickRandom(Suffixes);
        var school = new School
        {
            Name = $"{town} {suffix}",
            Code = $"{Initials(town, suffix)}{number}",
            TimeZone = "Europe/London",
            Currency = "GBP",
            Address = $"{faker.PickRandom(DemoNames.Streets)}, {town}, {faker.Address.ZipCode()}",
            Phone = faker.Phone.PhoneNumber("01### ######"),
            Email = $"office@{Slug(town)}{number}.sch.example",
            Website = $"https://{Slug(town)}{number}.sch.example",
        };
        return new DemoSchool(school, faker, students, today);
    }

    private static string Initials(string town, string suffix) =>
        new([.. $"{town} {suffix}".Split(' ', '-').Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]))]);

    private static string Slug(string text) => new([.. text.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
}
