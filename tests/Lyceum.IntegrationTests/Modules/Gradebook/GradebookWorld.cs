using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Academics;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Gradebook;

/// <summary>One cell of a save, as a client sends it: points alone are scored; status and points both null clear it.</summary>
internal sealed record Cell(int AssessmentId, int StudentId, decimal? Points, string? Status = null, Guid? Version = null);

/// <summary>
/// A fresh school for gradebook tests, made through the API as <see cref="Schools.SectionsTests.SetUpAsync"/> does
/// (a department, a course, the 2031/32 year's autumn term, a teacher without a sign-in), with builders for people who
/// sign in (teachers, students, guardians), classes, and the gradebook's own vocabulary over HTTP.
/// </summary>
internal sealed record GradebookWorld(int School, int Department, int Course, int Autumn, int Teacher)
{
    /// <summary>A school day of the autumn term, for assessments.</summary>
    public const string Day = "2031-10-01";

    public static async Task<GradebookWorld> CreateAsync(LyceumApp app, HttpClient admin)
    {
        var s = await Schools.SectionsTests.SetUpAsync(app, admin);
        var department = await app.QueryAsync(db => db.Courses.Where(c => c.Id == s.Course).Select(c => c.DepartmentId).SingleAsync());
        return new GradebookWorld(s.School, department, s.Course, s.Autumn, s.Teacher);
    }

    public async Task<int> StudentAsync(LyceumApp app, string first, string last) =>
        (await Students.StudentsApiTests.NewStudentAsync(app, first, last, school: School)).Id;

    /// <summary>A student of the school who signs in with the Student preset (their record linked to the account).</summary>
    public async Task<(int Id, HttpClient Client)> StudentWithAccountAsync(LyceumApp app, string first, string last)
    {
        var (email, password) = await app.CreateUserAsync(RoleNames.Student, $"{first} {last}");
        var student = new Student
        {
            SchoolId = School,
            StudentNumber = $"G{Random.Shared.Next(1_000_000, 9_999_999)}",
            FirstName = first,
            LastName = last,
            DateOfBirth = new DateOnly(2017, 3, 14),
            YearGroup = 9,
            FormGroup = "9G",
            AdmittedOn = new DateOnly(2028, 9, 1),
            UserId = await app.UserIdAsync(email),
        };
        await app.InsertAsync(student);
        return (student.Id, app.ClientWithToken(await app.TokenAsync(email, password)));
    }

    /// <summary>A member of staff of the school with a sign-in of the given role preset: their record and a client.</summary>
    public async Task<(int Staff, HttpClient Client)> StaffWithAccountAsync(LyceumApp app, string first, string last, string role = RoleNames.Teacher)
    {
        var (email, password) = await app.CreateUserAsync(role, $"{first} {last}");
        var staff = new StaffMember
        {
            SchoolId = School,
            StaffNumber = $"G{Guid.NewGuid():N}"[..10],
            Title = "Mx",
            FirstName = first,
            LastName = last,
            Email = $"{first}.{Guid.NewGuid():N}@lyceum.test".ToLowerInvariant(),
            UserId = await app.UserIdAsync(email),
        };
        await app.InsertAsync(staff);
        return (staff.Id, app.ClientWithToken(await app.TokenAsync(email, password)));
    }

    /// <summary>A guardian of the school with a sign-in (the Guardian preset), parent of the given students.</summary>
    public async Task<(Guid User, HttpClient Client)> GuardianOfAsync(LyceumApp app, params int[] students)
    {
        var (email, password) = await app.CreateUserAsync(RoleNames.Guardian, "A parent");
        var user = await app.UserIdAsync(email);
        var guardian = new Guardian { SchoolId = School, FirstName = "Parent", LastName = $"P{Guid.NewGuid():N}"[..12], Email = $"p.{Guid.NewGuid():N}@example.org", UserId = user };
        await app.InsertAsync(guardian);
        await app.InsertAsync([.. students.Select(s => new StudentGuardian
        {
            StudentId = s, GuardianId = guardian.Id, Relationship = Relationship.Mother, HasParentalResponsibility = true, ReceivesMail = true, ContactPriority = 1,
        })]);
        return (user, app.ClientWithToken(await app.TokenAsync(email, password)));
    }

    /// <summary>A section of the autumn term of <paramref name="course"/> (the world's by default) led by <paramref name="teacher"/>, with the students enrolled.</summary>
    public async Task<int> ClassAsync(LyceumApp app, HttpClient admin, int teacher, string name, int[] students, int? course = null)
    {
        var section = await Schools.SchoolStructureTests.CreateAsync(admin, "sections", new { courseId = course ?? Course, termId = Autumn, teacherId = teacher, name });
        if (students.Length > 0)
        {
            await app.InsertAsync([.. students.Select(s => new Enrollment { StudentId = s, SectionId = section, EnrolledOn = new DateOnly(2031, 9, 1) })]);
        }

        return section;
    }

    /// <summary>Makes <paramref name="staff"/> a co-teacher of the section (team teaching): it is their section too.</summary>
    public static Task CoTeachAsync(LyceumApp app, int section, int staff) =>
        app.InsertAsync(new SectionTeacher { SectionId = section, StaffMemberId = staff });

    /// <summary>Another course of the school in a department of its own (its id and the department's).</summary>
    public async Task<(int Course, int Department)> OtherDepartmentCourseAsync(HttpClient admin, string name)
    {
        var department = await Schools.SchoolStructureTests.CreateAsync(admin, "departments", new { schoolId = School, name, code = name[..3].ToUpperInvariant() });
        var course = await Schools.SchoolStructureTests.CreateAsync(admin, "courses",
            new { schoolId = School, departmentId = department, code = $"{name[..3].ToUpperInvariant()}9", name = $"Year 9 {name}", yearGroup = 9, periodsPerWeek = 2 });
        return (course, department);
    }

    public static async Task<int> CategoryAsync(HttpClient client, int section, string name, decimal weight, int dropLowest = 0)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/sections/{section}/grade-categories", new { name, weight, dropLowest });
        return (await response.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
    }

    public static async Task<int> AssessmentAsync(HttpClient client, int section, int category, string title, decimal maxPoints, string date = Day, bool counts = true)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/sections/{section}/assessments", new { title, date, maxPoints, categoryId = category, counts });
        return (await response.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
    }

    public static Task<HttpResponseMessage> SaveAsync(HttpClient client, int section, params Cell[] marks) =>
        client.PutAsJsonAsync($"/api/v1/sections/{section}/marks", new { marks });

    /// <summary>Saves the cells and expects them saved: the body of the 200.</summary>
    public static async Task<JsonNode> SavedAsync(HttpClient client, int section, params Cell[] marks)
    {
        using var response = await SaveAsync(client, section, marks);
        return await response.JsonAsync();
    }

    public static async Task<JsonNode> GradebookAsync(HttpClient client, int section) =>
        await (await client.GetAsync($"/api/v1/sections/{section}/gradebook")).JsonAsync();

    public static async Task<JsonNode> GradesAsync(HttpClient client, int student) =>
        await (await client.GetAsync($"/api/v1/students/{student}/grades")).JsonAsync();

    /// <summary>A student's row of the gradebook (marks and term grade).</summary>
    public static JsonNode Row(JsonNode gradebook, int student) =>
        gradebook["students"]!.AsArray().Single(s => s!["id"]!.GetValue<int>() == student)!;

    /// <summary>A student's mark for an assessment as the gradebook shows it; null when the cell is empty.</summary>
    public static JsonNode? MarkOf(JsonNode gradebook, int student, int assessment) =>
        Row(gradebook, student)["marks"]!.AsArray().SingleOrDefault(m => m!["assessmentId"]!.GetValue<int>() == assessment);

    public static decimal? PointsOf(JsonNode gradebook, int student, int assessment) =>
        MarkOf(gradebook, student, assessment)?["points"]?.GetValue<decimal>();

    public static Guid? VersionOf(JsonNode gradebook, int student, int assessment) =>
        MarkOf(gradebook, student, assessment) is { } mark ? Guid.Parse(mark["version"]!.GetValue<string>()) : null;

    /// <summary>Every cell of the gradebook: (assessment, student) → status and points, to compare before and after.</summary>
    public static string Cells(JsonNode gradebook) => string.Join(";", gradebook["students"]!.AsArray()
        .SelectMany(s => s!["marks"]!.AsArray().Select(m => $"{m!["assessmentId"]}/{s["id"]}={m["status"]}:{m["points"]}"))
        .Order(StringComparer.Ordinal));

    public static string? Grade(JsonNode gradebook, int student) => Row(gradebook, student)["term"]!["grade"]?.GetValue<string>();

    public static decimal? Percent(JsonNode gradebook, int student) => Row(gradebook, student)["term"]!["percent"]?.GetValue<decimal>();

    /// <summary>The section of a student's grades (null when the caller is shown none of it).</summary>
    public static JsonNode? SectionOf(JsonNode grades, int section) =>
        grades["sections"]!.AsArray().SingleOrDefault(s => s!["sectionId"]!.GetValue<int>() == section);

    /// <summary>The assessments of a section the caller is shown in a student's grades, with the student's mark.</summary>
    public static JsonArray MarksShown(JsonNode grades, int section) => SectionOf(grades, section)?["marks"]!.AsArray() ?? [];

    /// <summary>The ETag of a record as the gradebook lists it (its version), for If-Match.</summary>
    public static string ETagOf(JsonNode record) => $"\"{Guid.Parse(record["version"]!.GetValue<string>()):N}\"";

    public static JsonNode AssessmentIn(JsonNode gradebook, int id) =>
        gradebook["assessments"]!.AsArray().Single(a => a!["id"]!.GetValue<int>() == id)!;

    public static JsonNode CategoryIn(JsonNode gradebook, int id) =>
        gradebook["categories"]!.AsArray().Single(c => c!["id"]!.GetValue<int>() == id)!;

    public static HttpRequestMessage Put(string url, string etag, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }
}
