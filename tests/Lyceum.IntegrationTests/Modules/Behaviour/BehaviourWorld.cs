using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Academics;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Platform.Identity;

namespace Lyceum.IntegrationTests.Modules.Behaviour;

/// <summary>
/// A fresh school for behaviour tests (no default types or rules: each test sets up what it needs): the structure of
/// <see cref="Schools.SectionsTests.SetUpAsync"/> plus two negative types and a positive one, made through the API.
/// </summary>
internal sealed record BehaviourWorld(
    int School, int Course, int Autumn, int P1, int P2, int Lab, int Teacher, int Homework, int Disruption, int Helping)
{
    /// <summary>A Wednesday in the autumn term of the school's year (2031/32), far enough ahead to schedule detentions on.</summary>
    public const string Wednesday = "2031-10-01";

    public static async Task<BehaviourWorld> CreateAsync(LyceumApp app, HttpClient admin)
    {
        var s = await Schools.SectionsTests.SetUpAsync(app, admin);
        var homework = await Schools.SchoolStructureTests.CreateAsync(admin, "behaviour-types", new { schoolId = s.School, name = "Homework not done", polarity = "negative", defaultSeverity = 1, defaultPoints = 1 });
        var disruption = await Schools.SchoolStructureTests.CreateAsync(admin, "behaviour-types", new { schoolId = s.School, name = "Disruption", polarity = "negative", defaultSeverity = 2, defaultPoints = 3 });
        var helping = await Schools.SchoolStructureTests.CreateAsync(admin, "behaviour-types", new { schoolId = s.School, name = "Helping others", polarity = "positive", defaultSeverity = 1, defaultPoints = 2 });
        return new BehaviourWorld(s.School, s.Course, s.Autumn, s.P1, s.P2, s.Lab, s.Teacher, homework, disruption, helping);
    }

    public async Task<int> StudentAsync(LyceumApp app, string first, string last) =>
        (await Students.StudentsApiTests.NewStudentAsync(app, first, last, school: School)).Id;

    /// <summary>A member of staff of the school with a sign-in of the given role preset: their record, account and a client.</summary>
    public async Task<(int Staff, Guid User, HttpClient Client)> StaffWithAccountAsync(LyceumApp app, string first, string last, string role = RoleNames.Teacher)
    {
        var (email, password) = await app.CreateUserAsync(role);
        var user = await app.UserIdAsync(email);
        var staff = new StaffMember
        {
            SchoolId = School,
            StaffNumber = $"B{Guid.NewGuid():N}"[..10],
            Title = "Mx",
            FirstName = first,
            LastName = last,
            Email = $"{first}.{Guid.NewGuid():N}@lyceum.test".ToLowerInvariant(),
            UserId = user,
        };
        await app.InsertAsync(staff);
        return (staff.Id, user, app.ClientWithToken(await app.TokenAsync(email, password)));
    }

    /// <summary>A guardian of the school with a sign-in (the Guardian preset), parent of the given students.</summary>
    public async Task<(Guid User, HttpClient Client)> GuardianOfAsync(LyceumApp app, params int[] students)
    {
        var (email, password) = await app.CreateUserAsync(RoleNames.Guardian);
        var user = await app.UserIdAsync(email);
        var guardian = new Guardian { SchoolId = School, FirstName = "Parent", LastName = $"P{Guid.NewGuid():N}"[..12], Email = $"p.{Guid.NewGuid():N}@example.org", UserId = user };
        await app.InsertAsync(guardian);
        await app.InsertAsync([.. students.Select(s => new StudentGuardian
        {
            StudentId = s, GuardianId = guardian.Id, Relationship = Relationship.Mother, HasParentalResponsibility = true, ReceivesMail = true, ContactPriority = 1,
        })]);
        return (user, app.ClientWithToken(await app.TokenAsync(email, password)));
    }

    /// <summary>A section of the autumn term led by <paramref name="teacher"/>, with the students enrolled.</summary>
    public async Task<int> ClassAsync(LyceumApp app, HttpClient admin, int teacher, string name, params int[] students)
    {
        var section = await Schools.SchoolStructureTests.CreateAsync(admin, "sections", new { courseId = Course, termId = Autumn, teacherId = teacher, name });
        await app.InsertAsync([.. students.Select(s => new Enrollment { StudentId = s, SectionId = section, EnrolledOn = new DateOnly(2031, 9, 1) })]);
        return section;
    }

    public static async Task<JsonNode> LogAsync(HttpClient client, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/incidents", body);
        return await response.JsonAsync(expected);
    }

    public static int[] Ids(JsonNode list, string field = "id") => [.. list.AsArray().Select(i => i![field]!.GetValue<int>())];
}
