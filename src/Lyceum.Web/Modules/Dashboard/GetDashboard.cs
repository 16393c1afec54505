using Lyceum.Platform.Access;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Dashboard;

/// <summary>
/// The home page's figures, each counted within the caller's reach (an administrator sees the school, a teacher their
/// classes, a guardian their children). A figure the caller may not see at all is null and its card is not shown.
/// Later modules add their own (today's attendance, incidents, sessions).
/// </summary>
public sealed record DashboardFigures(int? Students, int? Staff, int? Sections, IReadOnlyList<YearGroupCount> StudentsByYearGroup)
{
    /// <summary>
    /// For a family (guardian or student: students reached only as own children or self), the children themselves
    /// rather than counts: a parent wants their child's page, not a chart of one bar.
    /// </summary>
    public IReadOnlyList<FamilyMember> Family { get; init; } = [];
}

public sealed record FamilyMember(int Id, string Name, int YearGroup, string? FormGroup);

public sealed record YearGroupCount(string YearGroup, int Students);

public sealed class GetDashboardHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access)
{
    public async Task<DashboardFigures> HandleAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        IReadOnlyList<FamilyMember> family = [];
        if (caller.GrantsOf(Permissions.StudentsView).Any()
            && caller.GrantsOf(Permissions.StudentsView).All(g => g.Scope is AccessScope.OwnChildren or AccessScope.Self))
        {
            family = await access.Reachable(db.Students.AsNoTracking(), caller, Permissions.StudentsView)
                .Where(s => s.ArchivedAt == null)
                .OrderBy(s => s.DateOfBirth)
                .Take(20)
                .Select(s => new FamilyMember(s.Id, (s.PreferredName ?? s.FirstName) + " " + s.LastName, s.YearGroup, s.FormGroup))
                .ToListAsync(cancellationToken);
        }

        // A family sees its children's cards and nothing else: the school's figures are not read for it.
        if (family.Count > 0)
        {
            return new DashboardFigures(null, null, null, []) { Family = family };
        }

        int? students = null, staff = null, sections = null;
        IReadOnlyList<YearGroupCount> byYear = [];
        if (caller.Can(Permissions.StudentsView))
        {
            var current = access.Reachable(db.Students.AsNoTracking(), caller, Permissions.StudentsView).Where(s => s.ArchivedAt == null);
            var groups = await current.GroupBy(s => s.YearGroup)
                .Select(g => new { Year = g.Key, Count = g.Count() })
                .ToListAsync(cancellationToken);
            students = groups.Sum(g => g.Count);
            byYear = [.. groups.OrderBy(g => g.Year).Select(g => new YearGroupCount(g.Year == 0 ? "R" : $"Y{g.Year}", g.Count))];
        }

        // Staff have no scope rules yet: the count is shown to those who may see every staff record.
        if (caller.CanEverywhere(Permissions.StaffView))
        {
            staff = await db.Staff.CountAsync(s => s.ArchivedAt == null, cancellationToken);
        }

        if (caller.Can(Permissions.SectionsView))
        {
            sections = await access.Reachable(db.Sections.AsNoTracking(), caller, Permissions.SectionsView).CountAsync(cancellationToken);
        }

        return new DashboardFigures(students, staff, sections, byYear);
    }
}
