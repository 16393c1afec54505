using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Attendance.Settings;

public sealed record YearGroupMode(int YearGroup, RegistrationMode Mode, int Students);

public sealed record FormTutorView(string FormGroup, int YearGroup, int Students, int? StaffMemberId, string? Tutor);

/// <summary>How a school takes attendance: the mode of each year group, and the tutor of each form group (who takes its daily registers).</summary>
public sealed record RegistrationSettings(int SchoolId, IReadOnlyList<YearGroupMode> YearGroups, IReadOnlyList<FormTutorView> FormGroups);

public sealed record YearGroupModeInput(int? YearGroup, string? Mode);

public sealed record FormTutorInput(string? FormGroup, int? StaffMemberId);

/// <summary>Year groups and form groups to change; those left out stay as they are. A null staff member removes a form's tutor.</summary>
public sealed record RegistrationSettingsRequest(IReadOnlyList<YearGroupModeInput>? YearGroups, IReadOnlyList<FormTutorInput>? FormGroups);

public sealed class RegistrationSettingsHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access)
{
    public async Task<Result<RegistrationSettings>> GetAsync(Caller caller, int schoolId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await access.Reachable(db.Schools, caller, Permissions.SchoolView).AnyAsync(s => s.Id == schoolId, cancellationToken))
        {
            return new Error.NotFound($"There is no school {schoolId}.");
        }

        return await ReadAsync(db, schoolId, cancellationToken);
    }

    public async Task<Result<RegistrationSettings>> SaveAsync(Caller caller, int schoolId, RegistrationSettingsRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await access.Reachable(db.Schools, caller, Permissions.SchoolConfigure).AnyAsync(s => s.Id == schoolId, cancellationToken))
        {
            return new Error.NotFound($"There is no school {schoolId} that you can configure.");
        }

        var errors = new FieldErrors();
        var modes = new Dictionary<int, RegistrationMode>();
        var years = request.YearGroups ?? [];
        for (var i = 0; i < years.Count; i++)
        {
            if (years[i]?.YearGroup is not { } year || year is < 0 or > 20)
            {
                errors.Add($"yearGroups[{i}].yearGroup", "Must be a year group from 0 to 20.");
            }
            else if (!Enum.TryParse<RegistrationMode>(years[i].Mode, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
            {
                errors.Add($"yearGroups[{i}].mode", "Must be 'lessons' or 'daily'.");
            }
            else if (!modes.TryAdd(year, mode))
            {
                errors.Add($"yearGroups[{i}].yearGroup", $"Year {year} is listed twice.");
            }
        }

        var tutors = new Dictionary<string, int?>(StringComparer.Ordinal);
        var forms = request.FormGroups ?? [];
        var staffIds = forms.Where(f => f?.StaffMemberId is not null).Select(f => f.StaffMemberId!.Value).Distinct().ToList();
        var staff = await db.Staff.Where(s => staffIds.Contains(s.Id) && s.SchoolId == schoolId && s.ArchivedAt == null).Select(s => s.Id).ToListAsync(cancellationToken);
        for (var i = 0; i < forms.Count; i++)
        {
            var form = forms[i]?.FormGroup?.Trim();
            if (string.IsNullOrEmpty(form) || form.Length > 20)
            {
                errors.Add($"formGroups[{i}].formGroup", "Name the form group (at most 20 characters).");
            }
            else if (forms[i].StaffMemberId is { } id && !staff.Contains(id))
            {
                errors.Add($"formGroups[{i}].staffMemberId", $"There is no current member of staff {id} in this school.");
            }
            else if (!tutors.TryAdd(form, forms[i].StaffMemberId))
            {
                errors.Add($"formGroups[{i}].formGroup", $"Form {form} is listed twice.");
            }
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var storedModes = await db.YearGroupRegistrations.Where(r => r.SchoolId == schoolId).ToListAsync(cancellationToken);
        foreach (var (year, mode) in modes)
        {
            if (storedModes.FirstOrDefault(r => r.YearGroup == year) is { } row)
            {
                row.Mode = mode;
            }
            else
            {
                db.YearGroupRegistrations.Add(new YearGroupRegistration { SchoolId = schoolId, YearGroup = year, Mode = mode });
            }
        }

        var storedTutors = await db.FormTutors.Where(t => t.SchoolId == schoolId).ToListAsync(cancellationToken);
        foreach (var (form, staffId) in tutors)
        {
            var row = storedTutors.FirstOrDefault(t => t.FormGroup == form);
            if (staffId is null)
            {
                if (row is not null)
                {
                    db.FormTutors.Remove(row);
                }
            }
            else if (row is not null)
            {
                row.StaffMemberId = staffId.Value;
            }
            else
            {
                db.FormTutors.Add(new FormTutor { SchoolId = schoolId, FormGroup = form, StaffMemberId = staffId.Value });
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return new Error.Conflict("Someone else changed these settings at the same moment. Reload them and try again.");
        }

        return await ReadAsync(db, schoolId, cancellationToken);
    }

    private static async Task<RegistrationSettings> ReadAsync(LyceumDbContext db, int schoolId, CancellationToken cancellationToken)
    {
        var modes = await db.YearGroupRegistrations.AsNoTracking().Where(r => r.SchoolId == schoolId).ToDictionaryAsync(r => r.YearGroup, r => r.Mode, cancellationToken);
        var years = await db.Students.AsNoTracking().Where(s => s.SchoolId == schoolId && s.ArchivedAt == null)
            .GroupBy(s => s.YearGroup).Select(g => new { Year = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var forms = await db.Students.AsNoTracking().Where(s => s.SchoolId == schoolId && s.ArchivedAt == null && s.FormGroup != null)
            .GroupBy(s => new { s.FormGroup, s.YearGroup }).Select(g => new { Form = g.Key.FormGroup!, g.Key.YearGroup, Count = g.Count() }).ToListAsync(cancellationToken);
        var tutors = await db.FormTutors.AsNoTracking().Where(t => t.SchoolId == schoolId)
            .Select(t => new { t.FormGroup, t.StaffMemberId, Name = t.StaffMember!.FirstName + " " + t.StaffMember.LastName })
            .ToListAsync(cancellationToken);
        var yearGroups = years.Select(y => y.Year).Union(modes.Keys).Order()
            .Select(y => new YearGroupMode(y, modes.GetValueOrDefault(y, RegistrationMode.Lessons), years.FirstOrDefault(x => x.Year == y)?.Count ?? 0))
            .ToList();
        var formGroups = forms.GroupBy(f => f.Form)
            .Select(g => new { Form = g.Key, Year = g.OrderByDescending(x => x.Count).First().YearGroup, Count = g.Sum(x => x.Count) })
            .OrderBy(f => f.Year).ThenBy(f => f.Form, StringComparer.OrdinalIgnoreCase)
            .Select(f =>
            {
                var tutor = tutors.FirstOrDefault(t => t.FormGroup == f.Form);
                return new FormTutorView(f.Form, f.Year, f.Count, tutor?.StaffMemberId, tutor?.Name);
            })
            .ToList();
        return new RegistrationSettings(schoolId, yearGroups, formGroups);
    }
}
