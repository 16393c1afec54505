using System.Linq.Expressions;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Records;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Staff;

public sealed record StaffRequest(
    int? SchoolId, string? StaffNumber, string? Title, string? FirstName, string? LastName, string? Email, string? Phone,
    string? JobTitle, int? DepartmentId);

public sealed record StaffView(
    int Id, int SchoolId, string StaffNumber, string? Title, string FirstName, string LastName, string Email, string? Phone,
    string? JobTitle, int? DepartmentId, string? Department, bool HasAccount, bool Archived, Guid Version) : IRecordView;

/// <summary>
/// Staff members (teachers, tutors, office, leadership) as records of their school. Administrators manage them
/// (staff.*); a teacher or tutor may edit their own record (staff.edit scoped to self) but not move it to another
/// department or renumber it.
/// </summary>
public sealed class StaffKind : SchoolOwnedKind<StaffMember, StaffRequest, StaffView>
{
    public override string Route => "staff";

    public override string Noun => "staff member";

    public override string Tag => "Staff";

    public override string ViewPermission => Permissions.StaffView;

    public override string EditPermission => Permissions.StaffEdit;

    public override string CreatePermission => Permissions.StaffCreate;

    public override string DeletePermission => Permissions.StaffDelete;

    public override Expression<Func<StaffMember, StaffView>> View =>
        s => new StaffView(s.Id, s.SchoolId, s.StaffNumber, s.Title, s.FirstName, s.LastName, s.Email, s.Phone, s.JobTitle,
            s.DepartmentId, s.Department == null ? null : s.Department.Name, s.UserId != null, s.ArchivedAt != null, s.Version);

    public override IReadOnlyDictionary<string, Expression<Func<StaffMember, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<StaffMember, object?>>>(StringComparer.Ordinal)
        {
            ["lastName"] = s => s.LastName,
            ["firstName"] = s => s.FirstName,
            ["staffNumber"] = s => s.StaffNumber,
            ["jobTitle"] = s => s.JobTitle ?? string.Empty,
            ["department"] = s => s.Department == null ? string.Empty : s.Department.Name,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("lastName", false), new("firstName", false)];

    public override IReadOnlyList<string> Filters { get; } = ["schoolId", "departmentId"];

    public override IQueryable<StaffMember> Filter(IQueryable<StaffMember> rows, string filter, int value) =>
        filter == "departmentId" ? rows.Where(s => s.DepartmentId == value) : base.Filter(rows, filter, value);

    /// <summary>The folded search text (names either way round, staff number, e-mail): "jose" finds José.</summary>
    public override Expression<Func<StaffMember, bool>> Matches(string pattern) =>
        s => EF.Functions.Like(s.SearchText, pattern, Like.EscapeCharacter);

    protected override int? SchoolOf(StaffRequest r) => r.SchoolId;

    protected override async Task ValidateFieldsAsync(RecordContext context, StaffRequest r, StaffMember? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken)
    {
        errors.Required("staffNumber", r.StaffNumber);
        errors.MaxLength("staffNumber", r.StaffNumber, 20);
        errors.MaxLength("title", r.Title, 20);
        errors.Required("firstName", r.FirstName);
        errors.MaxLength("firstName", r.FirstName, 100);
        errors.Required("lastName", r.LastName);
        errors.MaxLength("lastName", r.LastName, 100);
        errors.Required("email", r.Email);
        Contact.CheckEmail(errors, "email", r.Email);
        Contact.CheckPhone(errors, "phone", r.Phone);
        errors.MaxLength("jobTitle", r.JobTitle, 100);

        // What a person may change about themselves stops at their own details: the number and the department are
        // the school's to set (a grant that reaches the record only as "self" cannot change them).
        var self = existing is not null && context.Caller.UserId is { } me && existing.UserId == me
            && !await ReachesOthersAsync(context, existing, cancellationToken);
        if (self && existing!.StaffNumber != r.StaffNumber?.Trim())
        {
            errors.Add("staffNumber", "Your staff number is set by the school office.");
        }

        if (self && r.DepartmentId != existing!.DepartmentId)
        {
            errors.Add("departmentId", "Your department is set by the school office.");
        }
        else if (r.DepartmentId is { } department && department != existing?.DepartmentId)
        {
            if (schoolId is { } school && !await context.Access.Reachable(context.Db.Departments.AsNoTracking(), context.Caller, context.Permission)
                         .AnyAsync(d => d.Id == department && d.SchoolId == school && d.ArchivedAt == null, cancellationToken))
            {
                errors.Add("departmentId", $"There is no department {department} in this school (or it is archived).");
            }
        }
    }

    /// <summary>Whether the caller's grant reaches any other staff record of the school: then it is not a "self" edit.</summary>
    private static Task<bool> ReachesOthersAsync(RecordContext context, StaffMember existing, CancellationToken cancellationToken) =>
        context.Access.Reachable(context.Db.Staff.AsNoTracking(), context.Caller, context.Permission)
            .AnyAsync(s => s.SchoolId == existing.SchoolId && s.Id != existing.Id, cancellationToken);

    protected override (string Field, Expression<Func<StaffMember, string>> Column, Func<StaffRequest, string?> Value, string Message)? UniqueInSchool =>
        ("staffNumber", s => s.StaffNumber, r => r.StaffNumber, "This school already has a staff member numbered '{0}'.");

    public override StaffMember Create(StaffRequest r) => new()
    {
        SchoolId = r.SchoolId!.Value,
        StaffNumber = r.StaffNumber!.Trim(),
        Title = TextInput.Blank(r.Title),
        FirstName = r.FirstName!.Trim(),
        LastName = r.LastName!.Trim(),
        Email = r.Email!.Trim(),
        Phone = TextInput.Blank(r.Phone),
        JobTitle = TextInput.Blank(r.JobTitle),
        DepartmentId = r.DepartmentId,
    };

    public override void Apply(StaffRequest r, StaffMember s)
    {
        s.StaffNumber = r.StaffNumber!.Trim();
        s.Title = TextInput.Blank(r.Title);
        s.FirstName = r.FirstName!.Trim();
        s.LastName = r.LastName!.Trim();
        s.Email = r.Email!.Trim();
        s.Phone = TextInput.Blank(r.Phone);
        s.JobTitle = TextInput.Blank(r.JobTitle);
        s.DepartmentId = r.DepartmentId;
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, StaffMember s, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken,
            ("sections", () => db.Sections.CountAsync(x => x.TeacherId == s.Id || x.CoTeachers.Any(c => c.StaffMemberId == s.Id), cancellationToken)),
            ("user account", () => Task.FromResult(s.UserId is null ? 0 : 1)));
}

/// <summary>
/// Which staff records a grant reaches: a school's; a department's members; and the holder's own record (for "own
/// sections" too: a teacher's own record is the one their sections hang from).
/// </summary>
public sealed class StaffScopes : ScopeRules<StaffMember>
{
    protected override Expression<Func<StaffMember, bool>> InSchool(int schoolId) => s => s.SchoolId == schoolId;

    protected override Expression<Func<StaffMember, bool>> InDepartment(int departmentId) => s => s.DepartmentId == departmentId;

    protected override Expression<Func<StaffMember, bool>> InSectionsOf(Guid userId) => s => s.UserId == userId;

    protected override Expression<Func<StaffMember, bool>> Self(Guid userId) => s => s.UserId == userId;
}

public static class StaffModule
{
    private static readonly StaffKind Kind = new();

    public static IServiceCollection AddStaffModule(this IServiceCollection services) =>
        services.AddSingleton<ScopeRules<StaffMember>, StaffScopes>().AddRecordKind(Kind);

    public static IEndpointRouteBuilder MapStaffEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapRecords(Kind);
        return api;
    }
}
