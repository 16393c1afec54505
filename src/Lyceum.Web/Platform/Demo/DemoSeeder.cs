using Bogus;
using Lyceum.Modules.Schools;
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

    public async Task SeedAsync(DemoOptions options, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var existing = 0;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            existing = await db.Schools.CountAsync(cancellationToken);
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        for (var i = 0; i < options.Schools; i++)
        {
            var number = existing + i + 1;
            var students = options.Students / options.Schools + (i < options.Students % options.Schools ? 1 : 0);
            var faker = new Faker("en_GB") { Random = new Randomizer(options.Seed + number) };
            var town = faker.PickRandom(DemoNames.Towns);
            var suffix = faker.PickRandom(Suffixes);
            var school = new School
            {
                Name = $"{town} {suffix}",
                Code = $"{Initials(town, suffix)}{number}",
                TimeZone = "Europe/London",
                Address = $"{faker.PickRandom(DemoNames.Streets)}, {town}, {faker.Address.ZipCode()}",
                Phone = faker.Phone.PhoneNumber("01### ######"),
                Email = $"office@{Slug(town)}{number}.sch.example",
                Website = $"https://{Slug(town)}{number}.sch.example",
            };
            progress.Report($"School {i + 1} of {options.Schools}: {school.Name} ({students} students)");

            var demo = new DemoSchool(school, faker, students, today);
            foreach (var contributor in contributors.OrderBy(c => c.Order))
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                await contributor.ContributeAsync(demo, db, progress, cancellationToken);
            }
        }
    }

    private static string Initials(string town, string suffix) =>
        new([.. $"{town} {suffix}".Split(' ', '-').Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]))]);

    private static string Slug(string text) => new([.. text.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
}
