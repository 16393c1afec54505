using Lyceum.Platform.Access;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Messaging.Threads;

/// <summary>Someone the caller may write to.</summary>
public sealed record Contact(Guid UserId, string Name);

/// <summary>
/// Who may write to whom: the one policy behind new threads and the contact picker. It follows the caller's grants of
/// <see cref="Permissions.MessagesSend"/>, so roles stay data:
/// <list type="bullet">
/// <item>a grant over every school (an administrator's): anyone;</item>
/// <item>a grant over one school (a moderator limited to it): the staff, students and guardians of that school;</item>
/// <item>"own sections" (a teacher, a tutor): the guardians of the students in their classes and of their tutees;</item>
/// <item>"own children" (a guardian): their children's teachers and tutors;</item>
/// <item>anyone who may send at all: the holders of a school-wide grant (moderators and administrators), so the
/// office can always be reached.</item>
/// </list>
/// Deactivated accounts and the caller are never in it. A reply needs none of this: participants of a thread may
/// always answer in it.
/// </summary>
public static class Audience
{
    /// <summary>The accounts the caller may start a thread with, or null for anyone.</summary>
    public static IQueryable<Guid>? Reach(LyceumDbContext db, Caller caller)
    {
        if (caller.CanEverywhere(Permissions.MessagesSend))
        {
            return null;
        }

        var me = caller.UserId!.Value;
        var mySchools = db.Staff.Where(s => s.UserId == me).Select(s => s.SchoolId)
            .Union(db.Guardians.Where(g => g.UserId == me).Select(g => g.SchoolId))
            .Union(db.Students.Where(s => s.UserId == me).Select(s => s.SchoolId));

        // The office: accounts holding a school-wide grant to send, for every school or for one of the caller's.
        var reach = db.UserRoles
            .Where(ur => db.RoleGrants.Any(g => g.RoleId == ur.RoleId && g.Permission == Permissions.MessagesSend && g.Scope == AccessScope.School
                && (g.SchoolId == null || mySchools.Contains(g.SchoolId.Value))))
            .Select(ur => ur.UserId);

        foreach (var grant in caller.GrantsOf(Permissions.MessagesSend))
        {
            switch (grant.Scope)
            {
                case AccessScope.School when grant.SchoolId is { } school:
                    reach = reach.Union(PeopleOf(db, school));
                    break;
                case AccessScope.OwnSections:
                    reach = reach.Union(db.StudentGuardians
                        .Where(l => l.Guardian!.UserId != null && l.Guardian.ArchivedAt == null
                            && (l.Student!.Enrollments.Any(e => e.WithdrawnOn == null
                                    && (e.Section!.Teacher!.UserId == me || e.Section.CoTeachers.Any(c => c.StaffMember!.UserId == me)))
                                || l.Student.TutoringSessions.Any(t => t.Session!.Tutor!.UserId == me)))
                        .Select(l => l.Guardian!.UserId!.Value));
                    break;
                case AccessScope.OwnChildren:
                    var children = db.StudentGuardians.Where(l => l.Guardian!.UserId == me).Select(l => l.StudentId);
                    var sections = db.Enrollments.Where(e => e.WithdrawnOn == null && children.Contains(e.StudentId)).Select(e => e.SectionId);
                    reach = reach
                        .Union(TeachersOf(db, sections))
                        .Union(db.TutoringSessionStudents.Where(t => children.Contains(t.StudentId) && t.Session!.Tutor!.UserId != null)
                            .Select(t => t.Session!.Tutor!.UserId!.Value));
                    break;
            }
        }

        return reach;
    }

    /// <summary>The accounts linked to the staff, students and guardians of a school (leavers and archived records aside).</summary>
    public static IQueryable<Guid> PeopleOf(LyceumDbContext db, int school) =>
        db.Staff.Where(s => s.SchoolId == school && s.ArchivedAt == null && s.UserId != null).Select(s => s.UserId!.Value)
            .Union(db.Students.Where(s => s.SchoolId == school && s.ArchivedAt == null && s.UserId != null).Select(s => s.UserId!.Value))
            .Union(db.Guardians.Where(g => g.SchoolId == school && g.ArchivedAt == null && g.UserId != null).Select(g => g.UserId!.Value));

    /// <summary>The accounts of the teachers (lead and co-teachers) of these sections.</summary>
    public static IQueryable<Guid> TeachersOf(LyceumDbContext db, IQueryable<int> sections) =>
        db.Sections.Where(s => sections.Contains(s.Id) && s.Teacher!.UserId != null).Select(s => s.Teacher!.UserId!.Value)
            .Union(db.SectionTeachers.Where(t => sections.Contains(t.SectionId) && t.StaffMember!.UserId != null).Select(t => t.StaffMember!.UserId!.Value));

    /// <summary>The active accounts the caller may start a thread with.</summary>
    public static IQueryable<LyceumUser> Contacts(LyceumDbContext db, Caller caller)
    {
        var me = caller.UserId!.Value;
        var active = db.Users.Where(u => u.DeactivatedAt == null && u.Id != me);
        return Reach(db, caller) is { } reach ? active.Where(u => reach.Contains(u.Id)) : active;
    }

    /// <summary>Of <paramref name="candidates"/>, those the caller may not write to (unknown accounts included).</summary>
    public static async Task<IReadOnlyList<Guid>> OutsideAsync(LyceumDbContext db, Caller caller, IReadOnlyCollection<Guid> candidates, CancellationToken cancellationToken)
    {
        var allowed = await Contacts(db, caller).Where(u => candidates.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
        return [.. candidates.Except(allowed)];
    }
}
