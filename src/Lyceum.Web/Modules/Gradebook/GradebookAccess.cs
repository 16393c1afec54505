using Lyceum.Modules.Academics;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Gradebook;

/// <summary>
/// Who reaches which gradebook. A section's whole gradebook (every student, unpublished work too) is reached only
/// through staff grants — school, department, own sections. Grants for one's own children or oneself reach a student's
/// own grades, and only what was published (<see cref="StudentGrades.StudentGradesHandler"/>).
/// </summary>
public sealed class GradebookAccess(AccessService access)
{
    private static readonly AccessScope[] StaffScopes = [AccessScope.School, AccessScope.Department, AccessScope.OwnSections];

    /// <summary>The caller with only their staff grants: what a section's whole gradebook is reached through.</summary>
    public static Caller AsStaff(Caller caller) =>
        new(caller.UserId, caller.Name, [.. caller.Grants.Where(g => StaffScopes.Contains(g.Scope))], caller.DepartmentIds, caller.DisplayName);

    /// <summary>The caller with only their family and self grants: what a student's published grades are reached through.</summary>
    public static Caller AsFamily(Caller caller) =>
        new(caller.UserId, caller.Name, [.. caller.Grants.Where(g => !StaffScopes.Contains(g.Scope))], caller.DepartmentIds, caller.DisplayName);

    /// <summary>Sections whose gradebook the caller may see.</summary>
    public IQueryable<Section> Viewable(LyceumDbContext db, Caller caller) =>
        access.Reachable(db.Sections, AsStaff(caller), Permissions.GradesView);

    /// <summary>Sections whose gradebook the caller may change (and see).</summary>
    public IQueryable<Section> Editable(LyceumDbContext db, Caller caller) =>
        access.Reachable(db.Sections, AsStaff(caller), Permissions.GradesEdit, Permissions.GradesView);

    /// <summary>Sections whose grades the caller may publish (and see).</summary>
    public IQueryable<Section> Publishable(LyceumDbContext db, Caller caller) =>
        access.Reachable(db.Sections, AsStaff(caller), Permissions.GradesPublish, Permissions.GradesView);

    /// <summary>
    /// The section if the caller may see its gradebook and, for a change, make it (<paramref name="forChange"/>): a
    /// section seen but not changeable is 403 (a moderator reading marks), one not seen is 404 (another teacher's class).
    /// </summary>
    public async Task<Result<GradebookSection>> SectionAsync(
        LyceumDbContext db, Caller caller, int sectionId, Func<LyceumDbContext, Caller, IQueryable<Section>>? forChange, CancellationToken cancellationToken)
    {
        var section = await Viewable(db, caller).AsNoTracking().Where(s => s.Id == sectionId)
            .Select(s => new GradebookSection(s.Id, s.Name, s.Course!.SchoolId, s.TermId, s.Course.Name, s.Course.DepartmentId))
            .FirstOrDefaultAsync(cancellationToken);
        if (section is null)
        {
            return new Error.NotFound($"There is no section {sectionId} whose gradebook you may see.");
        }

        if (forChange is not null && !await forChange(db, caller).AnyAsync(s => s.Id == sectionId, cancellationToken))
        {
            return new Error.Forbidden($"You may see the gradebook of {section.Name} but not change it.");
        }

        return section;
    }
}

/// <summary>A section as the gradebook needs it.</summary>
public sealed record GradebookSection(int Id, string Name, int SchoolId, int TermId, string Course, int? DepartmentId);
