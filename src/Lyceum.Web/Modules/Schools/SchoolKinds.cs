using System.Linq.Expressions;
using Lyceum.Modules.Academics;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Records;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Schools;

/// <summary>A school's fields; <see cref="Currency"/> (ISO 4217) is kept as it is when left out, and is EUR for a new school.</summary>
public sealed record SchoolRequest(string? Name, string? Code, string? TimeZone, string? Address, string? Phone, string? Email, string? Website, string? Currency = null);

public sealed record SchoolView(
    int Id, string Name, string Code, string TimeZone, string? Address, string? Phone, string? Email, string? Website,
    bool Archived, Guid Version, string Currency = "EUR") : IRecordView;

/// <summary>A school of the install (a district has several). Only an unlimited <c>school.configure</c> adds one.</summary>
public sealed class SchoolKind : RecordKind<School, SchoolRequest, SchoolView>
{
    public override string Route => "schools";

    public override string Noun => "school";

    public override Expression<Func<School, SchoolView>> View =>
        s => new SchoolView(s.Id, s.Name, s.Code, s.TimeZone, s.Address, s.Phone, s.Email, s.Website, s.ArchivedAt != null, s.Version, s.Currency);

    public override IReadOnlyDictionary<string, Expression<Func<School, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<School, object?>>>(StringComparer.Ordinal)
        {
            ["name"] = s => s.Name,
            ["code"] = s => s.Code,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("name", false)];

    public override Expression<Func<School, bool>> Matches(string pattern) =>
        s => EF.Functions.Like(s.Name.ToLower(), pattern, Like.EscapeCharacter) || EF.Functions.Like(s.Code.ToLower(), pattern, Like.EscapeCharacter);

    public override string? CreateRefusal(Caller caller) =>
        caller.CanEverywhere(EditPermission) ? null : "Adding a school needs the school.configure permission for every school.";

    public override async Task ValidateAsync(RecordContext context, SchoolRequest r, School? existing, FieldErrors errors, CancellationToken cancellationToken)
    {
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 200);
        errors.Required("code", r.Code);
        errors.MaxLength("code", r.Code, 20);
        errors.Required("timeZone", r.TimeZone);
        if (!string.IsNullOrWhiteSpace(r.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(r.TimeZone.Trim(), out _))
        {
            errors.Add("timeZone", "Must be a time zone such as Europe/London or Europe/Athens.");
        }

        if (!string.IsNullOrWhiteSpace(r.Currency) && !Currencies.IsKnown(r.Currency.Trim()))
        {
            errors.Add("currency", "Must be an ISO 4217 currency code such as EUR, GBP or USD.");
        }

        errors.MaxLength("address", r.Address, 400);
        Contact.CheckPhone(errors, "phone", r.Phone);
        Contact.CheckEmail(errors, "email", r.Email);
        errors.MaxLength("website", r.Website, 400);
        if (!string.IsNullOrWhiteSpace(r.Website)
            && !(Uri.TryCreate(r.Website.Trim(), UriKind.Absolute, out var site) && (site.Scheme == Uri.UriSchemeHttps || site.Scheme == Uri.UriSchemeHttp)))
        {
            errors.Add("website", "Must be a web address such as https://example.org.");
        }

        if (!string.IsNullOrWhiteSpace(r.Code))
        {
            var code = r.Code.Trim();
            if (await context.Db.Schools.AnyAsync(s => s.Code == code && s.Id != (existing == null ? 0 : existing.Id), cancellationToken))
            {
                errors.Add("code", $"Another school already has the code '{code}'.");
            }
        }
    }

    public override School Create(SchoolRequest r) =>
        new()
        {
            Name = r.Name!.Trim(),
            Code = r.Code!.Trim(),
            TimeZone = r.TimeZone!.Trim(),
            Address = TextInput.Blank(r.Address),
            Phone = TextInput.Blank(r.Phone),
            Email = TextInput.Blank(r.Email),
            Website = TextInput.Blank(r.Website),
            Currency = string.IsNullOrWhiteSpace(r.Currency) ? "EUR" : r.Currency.Trim().ToUpperInvariant(),
        };

    public override void Apply(SchoolRequest r, School s)
    {
        s.Name = r.Name!.Trim();
        s.Code = r.Code!.Trim();
        s.TimeZone = r.TimeZone!.Trim();
        s.Address = TextInput.Blank(r.Address);
        s.Phone = TextInput.Blank(r.Phone);
        s.Email = TextInput.Blank(r.Email);
        s.Website = TextInput.Blank(r.Website);
        if (!string.IsNullOrWhiteSpace(r.Currency))
        {
            s.Currency = r.Currency.Trim().ToUpperInvariant();
        }
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, School s, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken,
            ("students", () => db.Students.CountAsync(x => x.SchoolId == s.Id, cancellationToken)),
            ("staff", () => db.Staff.CountAsync(x => x.SchoolId == s.Id, cancellationToken)),
            ("academic years", () => db.AcademicYears.CountAsync(x => x.SchoolId == s.Id, cancellationToken)),
            ("departments", () => db.Departments.CountAsync(x => x.SchoolId == s.Id, cancellationToken)),
            ("rooms", () => db.Rooms.CountAsync(x => x.SchoolId == s.Id, cancellationToken)),
            ("periods", () => db.Periods.CountAsync(x => x.SchoolId == s.Id, cancellationToken)),
            ("branches", () => db.Branches.CountAsync(x => x.SchoolId == s.Id, cancellationToken)),
            ("guardians", () => db.Guardians.CountAsync(x => x.SchoolId == s.Id, cancellationToken)));

    public override (string Field, string Message)? DuplicateField(SchoolRequest r) => ("code", $"Another school already has the code '{r.Code?.Trim()}'.");
}

public sealed record BranchRequest(int? SchoolId, string? Name, string? Address, string? Phone);

public sealed record BranchView(int Id, int SchoolId, string Name, string? Address, string? Phone, bool Archived, Guid Version) : IRecordView;

/// <summary>A school's site: a second campus, or a tutoring centre's branch.</summary>
public sealed class BranchKind : SchoolOwnedKind<Branch, BranchRequest, BranchView>
{
    public override string Route => "branches";

    public override string Noun => "branch";

    public override Expression<Func<Branch, BranchView>> View =>
        b => new BranchView(b.Id, b.SchoolId, b.Name, b.Address, b.Phone, b.ArchivedAt != null, b.Version);

    public override IReadOnlyDictionary<string, Expression<Func<Branch, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<Branch, object?>>>(StringComparer.Ordinal) { ["name"] = b => b.Name };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("name", false)];

    public override Expression<Func<Branch, bool>> Matches(string pattern) =>
        b => EF.Functions.Like(b.Name.ToLower(), pattern, Like.EscapeCharacter);

    protected override int? SchoolOf(BranchRequest r) => r.SchoolId;

    protected override Task ValidateFieldsAsync(RecordContext context, BranchRequest r, Branch? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken)
    {
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 100);
        errors.MaxLength("address", r.Address, 400);
        Contact.CheckPhone(errors, "phone", r.Phone);
        return Task.CompletedTask;
    }

    public override Branch Create(BranchRequest r) => new() { SchoolId = r.SchoolId!.Value, Name = r.Name!.Trim(), Address = TextInput.Blank(r.Address), Phone = TextInput.Blank(r.Phone) };

    public override void Apply(BranchRequest r, Branch b)
    {
        b.Name = r.Name!.Trim();
        b.Address = TextInput.Blank(r.Address);
        b.Phone = TextInput.Blank(r.Phone);
    }

    public override Task<string?> InUseAsync(LyceumDbContext db, Branch entity, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    protected override (string Field, Expression<Func<Branch, string>> Column, Func<BranchRequest, string?> Value, string Message)? UniqueInSchool =>
        ("name", b => b.Name, r => r.Name, "This school already has a branch named '{0}'.");
}

public sealed record AcademicYearRequest(int? SchoolId, string? Name, DateOnly? StartDate, DateOnly? EndDate);

public sealed record AcademicYearView(int Id, int SchoolId, string Name, DateOnly StartDate, DateOnly EndDate, int Terms, bool Archived, Guid Version) : IRecordView;

/// <summary>A school year ("2026/27"): its terms lie inside it, and two years of a school never overlap.</summary>
public sealed class AcademicYearKind : SchoolOwnedKind<AcademicYear, AcademicYearRequest, AcademicYearView>
{
    public override string Route => "academic-years";

    public override string Noun => "academic year";

    public override Expression<Func<AcademicYear, AcademicYearView>> View =>
        y => new AcademicYearView(y.Id, y.SchoolId, y.Name, y.StartDate, y.EndDate, y.Terms.Count, y.ArchivedAt != null, y.Version);

    public override IReadOnlyDictionary<string, Expression<Func<AcademicYear, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<AcademicYear, object?>>>(StringComparer.Ordinal)
        {
            ["name"] = y => y.Name,
            ["startDate"] = y => y.StartDate,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("startDate", true)];

    public override Expression<Func<AcademicYear, bool>> Matches(string pattern) =>
        y => EF.Functions.Like(y.Name.ToLower(), pattern, Like.EscapeCharacter);

    protected override int? SchoolOf(AcademicYearRequest r) => r.SchoolId;

    protected override async Task ValidateFieldsAsync(RecordContext context, AcademicYearRequest r, AcademicYear? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken)
    {
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 40);
        if (!Dates.Range(errors, r.StartDate, r.EndDate, maxDays: 550) || schoolId is not { } school)
        {
            return;
        }

        var id = existing?.Id ?? 0;
        var (start, end) = (r.StartDate!.Value, r.EndDate!.Value);
        if (await context.Db.AcademicYears.Where(y => y.SchoolId == school && y.Id != id && y.StartDate <= end && y.EndDate >= start)
                .Select(y => y.Name).FirstOrDefaultAsync(cancellationToken) is { } overlapping)
        {
            errors.Add("startDate", $"Overlaps the academic year {overlapping}.");
        }

        if (existing is not null && await context.Db.Terms.Where(t => t.AcademicYearId == id && (t.StartDate < start || t.EndDate > end))
                .Select(t => t.Name).FirstOrDefaultAsync(cancellationToken) is { } outside)
        {
            errors.Add("endDate", $"The term {outside} would fall outside the year. Change the term first.");
        }

    }

    public override AcademicYear Create(AcademicYearRequest r) =>
        new() { SchoolId = r.SchoolId!.Value, Name = r.Name!.Trim(), StartDate = r.StartDate!.Value, EndDate = r.EndDate!.Value };

    public override void Apply(AcademicYearRequest r, AcademicYear y)
    {
        y.Name = r.Name!.Trim();
        y.StartDate = r.StartDate!.Value;
        y.EndDate = r.EndDate!.Value;
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, AcademicYear y, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken,
            ("terms", () => db.Terms.CountAsync(t => t.AcademicYearId == y.Id, cancellationToken)),
            ("students", () => db.Students.CountAsync(s => s.AcademicYearId == y.Id, cancellationToken)));

    protected override (string Field, Expression<Func<AcademicYear, string>> Column, Func<AcademicYearRequest, string?> Value, string Message)? UniqueInSchool =>
        ("name", y => y.Name, r => r.Name, "This school already has an academic year named '{0}'.");
}

public sealed record TermRequest(int? AcademicYearId, string? Name, DateOnly? StartDate, DateOnly? EndDate);

public sealed record TermView(int Id, int AcademicYearId, string AcademicYear, int SchoolId, string Name, DateOnly StartDate, DateOnly EndDate, bool Archived, Guid Version) : IRecordView;

/// <summary>A term of an academic year: inside the year's dates, not overlapping the year's other terms.</summary>
public sealed class TermKind : RecordKind<Term, TermRequest, TermView>
{
    public override string Route => "terms";

    public override string Noun => "term";

    public override Expression<Func<Term, TermView>> View =>
        t => new TermView(t.Id, t.AcademicYearId, t.AcademicYear!.Name, t.AcademicYear.SchoolId, t.Name, t.StartDate, t.EndDate, t.ArchivedAt != null, t.Version);

    public override IReadOnlyDictionary<string, Expression<Func<Term, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<Term, object?>>>(StringComparer.Ordinal)
        {
            ["name"] = t => t.Name,
            ["startDate"] = t => t.StartDate,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("startDate", false)];

    public override Expression<Func<Term, bool>> Matches(string pattern) =>
        t => EF.Functions.Like(t.Name.ToLower(), pattern, Like.EscapeCharacter);

    public override IReadOnlyList<string> Filters { get; } = ["academicYearId", "schoolId"];

    public override IQueryable<Term> Filter(IQueryable<Term> rows, string filter, int value) => filter switch
    {
        "academicYearId" => rows.Where(t => t.AcademicYearId == value),
        "schoolId" => rows.Where(t => t.AcademicYear!.SchoolId == value),
        _ => rows,
    };

    public override async Task ValidateAsync(RecordContext context, TermRequest r, Term? existing, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (existing is not null && r.AcademicYearId is { } moved && moved != existing.AcademicYearId)
        {
            errors.Add("academicYearId", "A term stays in its academic year. Add a term to the other year instead.");
            return;
        }

        await context.RequireAsync<AcademicYear>(errors, "academicYearId", r.AcademicYearId, "academic year", cancellationToken);
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 40);
        if (!Dates.Range(errors, r.StartDate, r.EndDate, maxDays: 366) || errors.Any)
        {
            return;
        }

        var yearId = r.AcademicYearId!.Value;
        var (start, end) = (r.StartDate!.Value, r.EndDate!.Value);
        var year = await context.Db.AcademicYears.AsNoTracking().FirstAsync(y => y.Id == yearId, cancellationToken);
        if (start < year.StartDate || end > year.EndDate)
        {
            errors.Add(start < year.StartDate ? "startDate" : "endDate",
                $"Must lie inside the academic year {year.Name} ({year.StartDate:yyyy-MM-dd} to {year.EndDate:yyyy-MM-dd}).");
        }

        var id = existing?.Id ?? 0;
        if (await context.Db.Terms.Where(t => t.AcademicYearId == yearId && t.Id != id && t.StartDate <= end && t.EndDate >= start)
                .Select(t => t.Name).FirstOrDefaultAsync(cancellationToken) is { } overlapping)
        {
            errors.Add("startDate", $"Overlaps the term {overlapping}.");
        }

        var name = r.Name!.Trim();
        if (await context.Db.Terms.AnyAsync(t => t.AcademicYearId == yearId && t.Name == name && t.Id != id, cancellationToken))
        {
            errors.Add("name", $"This academic year already has a term named '{name}'.");
        }
    }

    public override Term Create(TermRequest r) =>
        new() { AcademicYearId = r.AcademicYearId!.Value, Name = r.Name!.Trim(), StartDate = r.StartDate!.Value, EndDate = r.EndDate!.Value };

    public override void Apply(TermRequest r, Term t)
    {
        t.Name = r.Name!.Trim();
        t.StartDate = r.StartDate!.Value;
        t.EndDate = r.EndDate!.Value;
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, Term t, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken, ("sections", () => db.Sections.CountAsync(s => s.TermId == t.Id, cancellationToken)));

    public override (string Field, string Message)? DuplicateField(TermRequest r) => ("name", $"This academic year already has a term named '{r.Name?.Trim()}'.");
}

public sealed record RoomRequest(int? SchoolId, string? Name, string? Building, int? Capacity);

public sealed record RoomView(int Id, int SchoolId, string Name, string? Building, int Capacity, bool Archived, Guid Version) : IRecordView;

/// <summary>A teaching room: sections meet in it, and two sections never meet in it at once.</summary>
public sealed class RoomKind : SchoolOwnedKind<Room, RoomRequest, RoomView>
{
    public override string Route => "rooms";

    public override string Noun => "room";

    public override Expression<Func<Room, RoomView>> View =>
        x => new RoomView(x.Id, x.SchoolId, x.Name, x.Building, x.Capacity, x.ArchivedAt != null, x.Version);

    public override IReadOnlyDictionary<string, Expression<Func<Room, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<Room, object?>>>(StringComparer.Ordinal)
        {
            ["name"] = x => x.Name,
            ["building"] = x => x.Building ?? string.Empty,
            ["capacity"] = x => x.Capacity,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("name", false)];

    public override Expression<Func<Room, bool>> Matches(string pattern) =>
        x => EF.Functions.Like(x.Name.ToLower(), pattern, Like.EscapeCharacter)
             || EF.Functions.Like((x.Building ?? string.Empty).ToLower(), pattern, Like.EscapeCharacter);

    protected override int? SchoolOf(RoomRequest r) => r.SchoolId;

    protected override Task ValidateFieldsAsync(RecordContext context, RoomRequest r, Room? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken)
    {
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 60);
        errors.MaxLength("building", r.Building, 100);
        if (r.Capacity is < 0 or > 2000)
        {
            errors.Add("capacity", "Must be from 0 to 2000 seats.");
        }

        return Task.CompletedTask;
    }

    public override Room Create(RoomRequest r) => new() { SchoolId = r.SchoolId!.Value, Name = r.Name!.Trim(), Building = TextInput.Blank(r.Building), Capacity = r.Capacity ?? 0 };

    public override void Apply(RoomRequest r, Room x)
    {
        x.Name = r.Name!.Trim();
        x.Building = TextInput.Blank(r.Building);
        x.Capacity = r.Capacity ?? 0;
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, Room x, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken, ("sections", () => db.Sections.CountAsync(s => s.RoomId == x.Id, cancellationToken)));

    protected override (string Field, Expression<Func<Room, string>> Column, Func<RoomRequest, string?> Value, string Message)? UniqueInSchool =>
        ("name", x => x.Name, r => r.Name, "This school already has a room named '{0}'.");
}

public sealed record PeriodRequest(int? SchoolId, string? Name, int? Order, TimeOnly? StartTime, TimeOnly? EndTime);

public sealed record PeriodView(int Id, int SchoolId, string Name, int Order, TimeOnly StartTime, TimeOnly EndTime, bool Archived, Guid Version) : IRecordView;

/// <summary>A period of the bell schedule: in order, each ending before the next begins.</summary>
public sealed class PeriodKind : SchoolOwnedKind<Period, PeriodRequest, PeriodView>
{
    public override string Route => "periods";

    public override string Noun => "period";

    public override Expression<Func<Period, PeriodView>> View =>
        p => new PeriodView(p.Id, p.SchoolId, p.Name, p.Order, p.StartTime, p.EndTime, p.ArchivedAt != null, p.Version);

    public override IReadOnlyDictionary<string, Expression<Func<Period, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<Period, object?>>>(StringComparer.Ordinal)
        {
            ["order"] = p => p.Order,
            ["name"] = p => p.Name,
            ["startTime"] = p => p.StartTime,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("order", false)];

    public override Expression<Func<Period, bool>> Matches(string pattern) =>
        p => EF.Functions.Like(p.Name.ToLower(), pattern, Like.EscapeCharacter);

    protected override int? SchoolOf(PeriodRequest r) => r.SchoolId;

    protected override async Task ValidateFieldsAsync(RecordContext context, PeriodRequest r, Period? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken)
    {
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 40);
        if (r.Order is not { } order)
        {
            errors.Add("order", "This field is required.");
        }
        else if (order is < 1 or > 30)
        {
            errors.Add("order", "Must be from 1 to 30.");
        }

        if (r.StartTime is null)
        {
            errors.Add("startTime", "This field is required.");
        }

        if (r.EndTime is null)
        {
            errors.Add("endTime", "This field is required.");
        }
        else if (r.StartTime is { } begins && r.EndTime <= begins)
        {
            errors.Add("endTime", "Must be after the start time.");
        }

        if (errors.Any || schoolId is not { } school)
        {
            return;
        }

        var id = existing?.Id ?? 0;
        var (start, end) = (r.StartTime!.Value, r.EndTime!.Value);
        var others = await context.Db.Periods.AsNoTracking().Where(p => p.SchoolId == school && p.Id != id)
            .Select(p => new { p.Name, p.Order, p.StartTime, p.EndTime, Archived = p.ArchivedAt != null }).ToListAsync(cancellationToken);
        if (others.FirstOrDefault(p => p.Order == r.Order) is { } same)
        {
            // An archived period keeps its number (sections' old meetings still name it).
            errors.Add("order", $"The period {same.Name}{(same.Archived ? " (archived)" : "")} is already number {r.Order}.");
        }

        // Compared in .NET: the bell schedule is a handful of rows, and TimeOnly comparisons differ between providers.
        if (others.FirstOrDefault(p => !p.Archived && p.StartTime < end && p.EndTime > start) is { } overlapping)
        {
            errors.Add("startTime", $"Overlaps the period {overlapping.Name} ({overlapping.StartTime:HH\\:mm}–{overlapping.EndTime:HH\\:mm}).");
        }
    }

    public override Period Create(PeriodRequest r) =>
        new() { SchoolId = r.SchoolId!.Value, Name = r.Name!.Trim(), Order = r.Order!.Value, StartTime = r.StartTime!.Value, EndTime = r.EndTime!.Value };

    public override void Apply(PeriodRequest r, Period p)
    {
        p.Name = r.Name!.Trim();
        p.Order = r.Order!.Value;
        p.StartTime = r.StartTime!.Value;
        p.EndTime = r.EndTime!.Value;
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, Period p, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken, ("section meetings", () => db.SectionMeetings.CountAsync(m => m.PeriodId == p.Id, cancellationToken)));

    public override (string Field, string Message)? DuplicateField(PeriodRequest r) => ("order", $"Another period is already number {r.Order}.");
}

public sealed record DepartmentRequest(int? SchoolId, string? Name, string? Code);

public sealed record DepartmentView(int Id, int SchoolId, string Name, string Code, bool Archived, Guid Version) : IRecordView;

/// <summary>A department: courses belong to it, staff may, and department-scoped roles reach through it.</summary>
public sealed class DepartmentKind : SchoolOwnedKind<Department, DepartmentRequest, DepartmentView>
{
    public override string Route => "departments";

    public override string Noun => "department";

    public override Expression<Func<Department, DepartmentView>> View =>
        d => new DepartmentView(d.Id, d.SchoolId, d.Name, d.Code, d.ArchivedAt != null, d.Version);

    public override IReadOnlyDictionary<string, Expression<Func<Department, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<Department, object?>>>(StringComparer.Ordinal)
        {
            ["name"] = d => d.Name,
            ["code"] = d => d.Code,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("name", false)];

    public override Expression<Func<Department, bool>> Matches(string pattern) =>
        d => EF.Functions.Like(d.Name.ToLower(), pattern, Like.EscapeCharacter) || EF.Functions.Like(d.Code.ToLower(), pattern, Like.EscapeCharacter);

    protected override int? SchoolOf(DepartmentRequest r) => r.SchoolId;

    protected override Task ValidateFieldsAsync(RecordContext context, DepartmentRequest r, Department? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken)
    {
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 100);
        errors.Required("code", r.Code);
        errors.MaxLength("code", r.Code, 20);
        return Task.CompletedTask;
    }

    public override Department Create(DepartmentRequest r) => new() { SchoolId = r.SchoolId!.Value, Name = r.Name!.Trim(), Code = r.Code!.Trim() };

    public override void Apply(DepartmentRequest r, Department d)
    {
        d.Name = r.Name!.Trim();
        d.Code = r.Code!.Trim();
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, Department d, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken,
            ("courses", () => db.Courses.CountAsync(c => c.DepartmentId == d.Id, cancellationToken)),
            ("staff", () => db.Staff.CountAsync(s => s.DepartmentId == d.Id, cancellationToken)),
            ("role grants", () => db.RoleGrants.CountAsync(g => g.DepartmentId == d.Id, cancellationToken)));

    protected override (string Field, Expression<Func<Department, string>> Column, Func<DepartmentRequest, string?> Value, string Message)? UniqueInSchool =>
        ("code", d => d.Code, r => r.Code, "This school already has a department with the code '{0}'.");
}
