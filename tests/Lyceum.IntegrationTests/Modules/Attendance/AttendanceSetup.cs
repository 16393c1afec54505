using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Platform.Identity;
using static Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Modules.Attendance;

/// <summary>
/// A school of its own whose term runs around today (in the school's zone), a section that meets in period 1 on
/// every day of the week (so today and yesterday are register days whatever day the tests run), a teacher with a
/// sign-in, three students in year 9 form 9Z, and a guardian with a sign-in for the first of them.
/// </summary>
public sealed record AttendanceSchool(
    int School, int Section, int P1, int P2, DateOnly Today, int TeacherStaff, HttpClient Teacher, int[] Students, Guid GuardianUser, HttpClient Guardian)
{
    public const string Zone = "Europe/London";

    /// <summary>Today, or the last weekday before it (daily registers are taken on weekdays only).</summary>
    public DateOnly Weekday => LastWeekday(Today);

    public static DateOnly LastWeekday(DateOnly day) =>
        day.DayOfWeek switch { DayOfWeek.Saturday => day.AddDays(-1), DayOfWeek.Sunday => day.AddDays(-2), _ => day };

    public string Lesson(DateOnly date, int? period = null) => $"/api/v1/attendance/registers/lessons/{Section}/{date:yyyy-MM-dd}/{period ?? P1}";

    public static DateOnly TodayAtSchool() =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById(Zone)).DateTime);

    public static async Task<AttendanceSchool> NewAsync(LyceumApp app, HttpClient admin)
    {
        var today = TodayAtSchool();
        var school = await CreateAsync(admin, "schools", new { name = "Register school", code = $"R{Guid.NewGuid():N}"[..12], timeZone = Zone });
        var department = await CreateAsync(admin, "departments", new { schoolId = school, name = "Mathematics", code = "MA" });
        var course = await CreateAsync(admin, "courses", new { schoolId = school, departmentId = department, code = "MA9", name = "Year 9 Mathematics", yearGroup = 9, periodsPerWeek = 7 });
        var year = await CreateAsync(admin, "academic-years", new { schoolId = school, name = "This year", startDate = Iso(today.AddDays(-150)), endDate = Iso(today.AddDays(150)) });
        var term = await CreateAsync(admin, "terms", new { academicYearId = year, name = "This term", startDate = Iso(today.AddDays(-40)), endDate = Iso(today.AddDays(40)) });
        var p1 = await CreateAsync(admin, "periods", new { schoolId = school, name = "Period 1", order = 1, startTime = "09:00", endTime = "10:00" });
        var p2 = await CreateAsync(admin, "periods", new { schoolId = school, name = "Period 2", order = 2, startTime = "13:00", endTime = "14:00" });

        var (teacherEmail, teacherPassword) = await app.CreateUserAsync(RoleNames.Teacher, "Ada Byron");
        var staff = new StaffMember
        {
            SchoolId = school,
            StaffNumber = $"S{Guid.NewGuid():N}"[..10],
            FirstName = "Ada",
            LastName = "Byron",
            Email = $"ada.{Guid.NewGuid():N}@lyceum.test",
            UserId = await app.UserIdAsync(teacherEmail),
        };
        await app.InsertAsync(staff);
        var meetings = Enum.GetValues<DayOfWeek>().SelectMany(d => new[] { new { day = d.ToString(), periodId = p1 }, new { day = d.ToString(), periodId = p2 } }).ToArray();
        var section = await CreateAsync(admin, "sections", new { courseId = course, termId = term, teacherId = staff.Id, name = "9Z Maths", capacity = 30, meetings });

        int[] students = [
            (await NewStudentAsync(app, "Ann", "Abbot", school: school)).Id,
            (await NewStudentAsync(app, "Ben", "Baker", school: school)).Id,
            (await NewStudentAsync(app, "Cat", "Cooper", school: school)).Id];
        using (var enrol = await admin.PostAsJsonAsync($"/api/v1/sections/{section}/enrollments", new { studentIds = students, enrolledOn = Iso(today.AddDays(-40)) }))
        {
            await enrol.JsonAsync();
        }

        var (guardianEmail, guardianPassword) = await app.CreateUserAsync(RoleNames.Guardian);
        var guardianUser = await app.UserIdAsync(guardianEmail);
        var guardian = new Guardian { SchoolId = school, FirstName = "Gail", LastName = "Abbot", UserId = guardianUser };
        await app.InsertAsync(guardian);
        await app.InsertAsync(new StudentGuardian { StudentId = students[0], GuardianId = guardian.Id, Relationship = Relationship.Mother, HasParentalResponsibility = true, ReceivesMail = true });

        return new AttendanceSchool(
            school, section, p1, p2, today, staff.Id, app.ClientWithToken(await app.TokenAsync(teacherEmail, teacherPassword)), students,
            guardianUser, app.ClientWithToken(await app.TokenAsync(guardianEmail, guardianPassword)));
    }

    /// <summary>Everyone present, except the given codes for some students.</summary>
    public object Marks(params (int Student, string Code)[] except) => Marks(null, except);

    public object Marks(string? reason, params (int Student, string Code)[] except) => new
    {
        reason,
        marks = Students.Select(s => except.FirstOrDefault(e => e.Student == s) is { Code: { } code }
            ? new { studentId = s, code, lateMinutes = code == "L" ? (int?)5 : null }
            : new { studentId = s, code = "/", lateMinutes = (int?)null }).ToArray(),
    };

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
