using Lyceum.Platform.Data;
using Lyceum.Platform.Startup;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Behaviour;

/// <summary>
/// The incident types and the one rule a school starts with; all of it is the school's to edit. Added to a school
/// with no types at all — at start for every school, and by the demo generator for the schools it makes.
/// </summary>
public static class BehaviourDefaults
{
    public static IReadOnlyList<BehaviourType> Types(int schoolId) =>
    [
        new() { SchoolId = schoolId, Name = "Excellent work", Polarity = BehaviourPolarity.Positive, DefaultSeverity = 1, DefaultPoints = 2 },
        new() { SchoolId = schoolId, Name = "Helping others", Polarity = BehaviourPolarity.Positive, DefaultSeverity = 1, DefaultPoints = 1 },
        new() { SchoolId = schoolId, Name = "Outstanding effort", Polarity = BehaviourPolarity.Positive, DefaultSeverity = 2, DefaultPoints = 3 },
        new() { SchoolId = schoolId, Name = "Homework not done", Polarity = BehaviourPolarity.Negative, DefaultSeverity = 1, DefaultPoints = 1 },
        new() { SchoolId = schoolId, Name = "Disruption in class", Polarity = BehaviourPolarity.Negative, DefaultSeverity = 2, DefaultPoints = 2 },
        new() { SchoolId = schoolId, Name = "Lateness to lesson", Polarity = BehaviourPolarity.Negative, DefaultSeverity = 1, DefaultPoints = 1 },
        new() { SchoolId = schoolId, Name = "Defiance", Polarity = BehaviourPolarity.Negative, DefaultSeverity = 3, DefaultPoints = 3 },
        new() { SchoolId = schoolId, Name = "Bullying", Polarity = BehaviourPolarity.Negative, DefaultSeverity = 4, DefaultPoints = 5 },
    ];

    /// <summary>"Three negative incidents within seven days → a 30-minute detention" (no supervisor until the school names one).</summary>
    public static BehaviourRule Rule(int schoolId) => new()
    {
        SchoolId = schoolId,
        Name = "Three negative incidents in a week",
        Measure = BehaviourRuleMeasure.Incidents,
        Threshold = 3,
        WindowDays = 7,
        Action = BehaviourRuleAction.Detention,
        DetentionStart = new TimeOnly(15, 30),
        DetentionMinutes = 30,
    };

    /// <summary>Adds the defaults to a school without incident types; one that has any (archived too) is left alone.</summary>
    public static async Task EnsureAsync(LyceumDbContext db, int schoolId, CancellationToken cancellationToken)
    {
        if (await db.BehaviourTypes.AnyAsync(t => t.SchoolId == schoolId, cancellationToken))
        {
            return;
        }

        db.BehaviourTypes.AddRange(Types(schoolId));
        if (!await db.BehaviourRules.AnyAsync(r => r.SchoolId == schoolId, cancellationToken))
        {
            db.BehaviourRules.Add(Rule(schoolId));
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Gives every school without incident types the defaults, at each start (idempotent).</summary>
public sealed class EnsureBehaviourTypes(IDbContextFactory<LyceumDbContext> contexts) : IStartupTask
{
    public string Name => "behaviour types";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var schools = await db.Schools.Where(s => !db.BehaviourTypes.Any(t => t.SchoolId == s.Id)).Select(s => s.Id).ToListAsync(cancellationToken);
        foreach (var school in schools)
        {
            await BehaviourDefaults.EnsureAsync(db, school, cancellationToken);
        }
    }
}
