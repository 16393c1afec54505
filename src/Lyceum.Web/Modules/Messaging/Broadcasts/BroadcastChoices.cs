using Lyceum.Platform.Access;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Messaging.Broadcasts;

public sealed record BroadcastSchool(int Id, string Name);

public sealed record BroadcastSection(int Id, string Name, int SchoolId);

/// <summary>What the broadcast form offers: the schools, sections and roles the caller's grants may aim at.</summary>
public sealed record BroadcastChoices(IReadOnlyList<BroadcastSchool> Schools, IReadOnlyList<BroadcastSection> Sections, IReadOnlyList<string> Roles);

/// <summary>
/// Read-only lists for the broadcast form. They only fill the form's selects: <see cref="BroadcastsHandler"/> checks
/// the chosen audience again, so a list that offers too much costs a refusal, never a broadcast.
/// </summary>
public sealed class BroadcastChoicesHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access)
{
    private const int MaxSections = 500;

    public async Task<BroadcastChoices> ChoicesAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (!BroadcastsHandler.MaySend(caller))
        {
            return new BroadcastChoices([], [], []);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var live = db.Schools.AsNoTracking().Where(s => s.ArchivedAt == null);
        var sending = access.Reachable(live, caller, Permissions.BroadcastsSend).Select(s => s.Id);
        var tutoring = access.Reachable(live, caller, Permissions.BroadcastsTutors).Select(s => s.Id);
        var schools = await live.Where(s => sending.Contains(s.Id) || tutoring.Contains(s.Id))
            .OrderBy(s => s.Name).Select(s => new BroadcastSchool(s.Id, s.Name))
            .ToListAsync(cancellationToken);
        var sections = await access.Reachable(db.Sections.AsNoTracking().Where(s => s.ArchivedAt == null), caller, Permissions.BroadcastsSend)
            .OrderBy(s => s.Name).ThenBy(s => s.Id).Take(MaxSections)
            .Select(s => new BroadcastSection(s.Id, s.Name, s.Course!.SchoolId))
            .ToListAsync(cancellationToken);
        var roles = await db.Roles.AsNoTracking().Where(r => r.Name != null).OrderBy(r => r.Name).Select(r => r.Name!).ToListAsync(cancellationToken);
        return new BroadcastChoices(schools, sections, roles);
    }
}
