using System.Linq.Expressions;
using Lyceum.Platform.Access;

namespace Lyceum.Modules.Tutoring;

/// <summary>
/// Which sessions a grant reaches: a school's; a tutor's own ("own sections" and "self" both mean the sessions they
/// teach); a student's own ("self"); a guardian's children's ("own children"). Departments mean nothing here.
/// </summary>
public sealed class TutoringSessionScopes : ScopeRules<TutoringSession>
{
    protected override Expression<Func<TutoringSession, bool>> InSchool(int schoolId) => s => s.SchoolId == schoolId;

    protected override Expression<Func<TutoringSession, bool>> InSectionsOf(Guid userId) => s => s.Tutor!.UserId == userId;

    protected override Expression<Func<TutoringSession, bool>> ChildrenOf(Guid userId) =>
        s => s.Students.Any(l => l.Student!.Guardians.Any(g => g.Guardian!.UserId == userId));

    protected override Expression<Func<TutoringSession, bool>> Self(Guid userId) =>
        s => s.Tutor!.UserId == userId || s.Students.Any(l => l.Student!.UserId == userId);
}

/// <summary>
/// Which invoices a grant reaches: a school's; a family's own ("own children": billed to the holder, or for one of
/// their children; "self": billed to the holder). Staff scopes narrower than the school reach none: finance is the
/// administrator's.
/// </summary>
public sealed class InvoiceScopes : ScopeRules<Invoice>
{
    protected override Expression<Func<Invoice, bool>> InSchool(int schoolId) => i => i.SchoolId == schoolId;

    protected override Expression<Func<Invoice, bool>> ChildrenOf(Guid userId) =>
        i => i.Guardian!.UserId == userId || i.Lines.Any(l => l.Student!.Guardians.Any(g => g.Guardian!.UserId == userId));

    protected override Expression<Func<Invoice, bool>> Self(Guid userId) => i => i.Guardian!.UserId == userId;
}
