using System.Linq.Expressions;
using Lyceum.Platform.Access;
using Lyceum.Platform.Data;

namespace Lyceum.Modules.Schools;

/// <summary>Which schools a grant reaches: a school grant its school (or all of them).</summary>
public sealed class SchoolScopes : ScopeRules<School>
{
    protected override Expression<Func<School, bool>> InSchool(int schoolId) => s => s.Id == schoolId;
}

/// <summary>Which records of a school a grant reaches: a school grant its school's. Narrow scopes reach none.</summary>
public sealed class SchoolOwnedScopes<T> : ScopeRules<T>
    where T : ISchoolOwned
{
    protected override Expression<Func<T, bool>> InSchool(int schoolId) => x => x.SchoolId == schoolId;
}

/// <summary>Terms belong to a school through their academic year.</summary>
public sealed class TermScopes : ScopeRules<Term>
{
    protected override Expression<Func<Term, bool>> InSchool(int schoolId) => t => t.AcademicYear!.SchoolId == schoolId;
}
