using System.Linq.Expressions;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Records;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Attendance.Codes;

public sealed record AttendanceCodeRequest(
    int? SchoolId, string? Code, string? Name, string? Category, bool? Authorised, bool? CountsAsPossible, int? SortOrder);

public sealed record AttendanceCodeView(
    int Id, int SchoolId, string Code, string Name, AttendanceCategory Category, bool Authorised, bool CountsAsPossible, int SortOrder, bool Archived,
    Guid Version) : IRecordView;

/// <summary>
/// A school's attendance codes as reference records: add medical, educational visit or any other, each mapped to a
/// category. A code in use by any mark cannot be deleted (archive it: old marks keep it, new registers do not offer it).
/// </summary>
public sealed class AttendanceCodeKind : SchoolOwnedKind<AttendanceCode, AttendanceCodeRequest, AttendanceCodeView>
{
    public override string Route => "attendance-codes";

    public override string Noun => "attendance code";

    public override string Tag => "Attendance";

    public override Expression<Func<AttendanceCode, AttendanceCodeView>> View =>
        x => new AttendanceCodeView(x.Id, x.SchoolId, x.Code, x.Name, x.Category, x.Authorised, x.CountsAsPossible, x.SortOrder, x.ArchivedAt != null, x.Version);

    public override IReadOnlyDictionary<string, Expression<Func<AttendanceCode, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<AttendanceCode, object?>>>(StringComparer.Ordinal)
        {
            ["sortOrder"] = x => x.SortOrder,
            ["code"] = x => x.Code,
            ["name"] = x => x.Name,
            ["category"] = x => x.Category,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("sortOrder", false), new("code", false)];

    public override Expression<Func<AttendanceCode, bool>> Matches(string pattern) =>
        x => EF.Functions.Like(x.Name.ToLower(), pattern, Like.EscapeCharacter) || EF.Functions.Like(x.Code.ToLower(), pattern, Like.EscapeCharacter);

    protected override int? SchoolOf(AttendanceCodeRequest r) => r.SchoolId;

    protected override Task ValidateFieldsAsync(
        RecordContext context, AttendanceCodeRequest r, AttendanceCode? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken)
    {
        errors.Required("code", r.Code);
        errors.MaxLength("code", r.Code?.Trim(), 4);
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 60);
        if (!TryCategory(r.Category, out _))
        {
            errors.Add("category", "Must be one of present, absent, late, excused.");
        }

        if (r.SortOrder is < 0 or > 999)
        {
            errors.Add("sortOrder", "Must be from 0 to 999.");
        }

        return Task.CompletedTask;
    }

    public override AttendanceCode Create(AttendanceCodeRequest r)
    {
        var code = new AttendanceCode { SchoolId = r.SchoolId!.Value, Code = r.Code!.Trim(), Name = r.Name!.Trim() };
        Apply(r, code);
        return code;
    }

    public override void Apply(AttendanceCodeRequest r, AttendanceCode x)
    {
        TryCategory(r.Category, out var category);
        x.Code = r.Code!.Trim();
        x.Name = r.Name!.Trim();
        x.Category = category;
        x.Authorised = r.Authorised ?? category != AttendanceCategory.Absent;
        x.CountsAsPossible = r.CountsAsPossible ?? true;
        x.SortOrder = r.SortOrder ?? 100;
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, AttendanceCode x, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken, ("attendance marks", () => db.AttendanceMarks.CountAsync(m => m.CodeId == x.Id, cancellationToken)));

    protected override (string Field, Expression<Func<AttendanceCode, string>> Column, Func<AttendanceCodeRequest, string?> Value, string Message)? UniqueInSchool =>
        ("code", x => x.Code, r => r.Code, "This school already has the code '{0}'.");

    private static bool TryCategory(string? text, out AttendanceCategory category) =>
        Enum.TryParse(text, ignoreCase: true, out category) && Enum.IsDefined(category);
}
