using Lyceum.Platform.Data;
using Lyceum.Platform.Startup;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Attendance;

/// <summary>
/// The codes every school starts with (editable afterwards, like any record): the four the roadmap names and two
/// common extras. Added to a school that has no codes at all — at start for every school, and when a register is
/// first opened in a school created since.
/// </summary>
public static class AttendanceDefaults
{
    public static IReadOnlyList<AttendanceCode> For(int schoolId) =>
    [
        new() { SchoolId = schoolId, Code = "/", Name = "Present", Category = AttendanceCategory.Present, Authorised = true, SortOrder = 1 },
        new() { SchoolId = schoolId, Code = "N", Name = "Absent", Category = AttendanceCategory.Absent, Authorised = false, SortOrder = 2 },
        new() { SchoolId = schoolId, Code = "L", Name = "Late", Category = AttendanceCategory.Late, Authorised = true, SortOrder = 3 },
        new() { SchoolId = schoolId, Code = "E", Name = "Excused", Category = AttendanceCategory.Excused, Authorised = true, SortOrder = 4 },
        new() { SchoolId = schoolId, Code = "M", Name = "Medical appointment", Category = AttendanceCategory.Absent, Authorised = true, SortOrder = 5 },
        new() { SchoolId = schoolId, Code = "V", Name = "Educational visit", Category = AttendanceCategory.Present, Authorised = true, CountsAsPossible = true, SortOrder = 6 },
    ];

    /// <summary>Adds the defaults to a school without codes; a school that has any (archived too) is left alone.</summary>
    public static async Task EnsureAsync(LyceumDbContext db, int schoolId, CancellationToken cancellationToken)
    {
        if (await db.AttendanceCodes.AnyAsync(c => c.SchoolId == schoolId, cancellationToken))
        {
            return;
        }

        db.AttendanceCodes.AddRange(For(schoolId));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request added them at the same moment (unique school + code): theirs are as good.
            db.ChangeTracker.Clear();
        }
    }
}

/// <summary>Gives every school without attendance codes the defaults, at each start (idempotent).</summary>
public sealed class EnsureAttendanceCodes(IDbContextFactory<LyceumDbContext> contexts) : IStartupTask
{
    public string Name => "attendance codes";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var schools = await db.Schools.Where(s => !db.AttendanceCodes.Any(c => c.SchoolId == s.Id)).Select(s => s.Id).ToListAsync(cancellationToken);
        foreach (var school in schools)
        {
            await AttendanceDefaults.EnsureAsync(db, school, cancellationToken);
        }
    }
}
