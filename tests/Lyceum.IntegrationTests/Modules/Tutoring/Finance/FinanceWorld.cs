using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Modules.Tutoring;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Tutoring.Finance;

/// <summary>
/// A fresh school billing in pounds for finance tests, with a tutor; students, guardians and completed sessions are
/// inserted straight into the database (the sessions API is not what these tests are about).
/// </summary>
internal sealed record FinanceWorld(int School, int Tutor)
{
    /// <summary>October 2031 at the school (Europe/London): the sessions' month.</summary>
    public const string From = "2031-10-01";
    public const string To = "2031-10-31";

    public static async Task<FinanceWorld> CreateAsync(LyceumApp app, HttpClient admin)
    {
        var school = await Schools.SchoolStructureTests.NewSchoolAsync(admin);
        await app.QueryAsync(db => db.Schools.Where(s => s.Id == school).ExecuteUpdateAsync(s => s.SetProperty(x => x.Currency, "GBP")));
        var tutor = await StaffAsync(app, school, "Tess", "Tutor");
        return new FinanceWorld(school, tutor);
    }

    public static async Task<int> StaffAsync(LyceumApp app, int school, string first, string last, Guid? user = null)
    {
        var staff = new StaffMember
        {
            SchoolId = school,
            StaffNumber = $"F{Guid.NewGuid():N}"[..10],
            Title = "Mx",
            FirstName = first,
            LastName = last,
            Email = $"{first}.{Guid.NewGuid():N}@lyceum.test".ToLowerInvariant(),
            UserId = user,
        };
        await app.InsertAsync(staff);
        return staff.Id;
    }

    public async Task<int> StudentAsync(LyceumApp app, string first, string last) =>
        (await Students.StudentsApiTests.NewStudentAsync(app, first, last, school: School)).Id;

    /// <summary>A guardian of the school (with a sign-in, the Guardian preset, when asked) linked to the students.</summary>
    public async Task<(int Id, HttpClient? Client)> GuardianAsync(
        LyceumApp app, string last, int[] students, bool signsIn = true, int priority = 1, bool responsibility = true)
    {
        Guid? user = null;
        string? email = null, password = null;
        if (signsIn)
        {
            (email, password) = await app.CreateUserAsync(RoleNames.Guardian, $"Parent {last}");
            user = await app.UserIdAsync(email);
        }

        var guardian = new Guardian
        {
            SchoolId = School,
            Title = "Mrs",
            FirstName = "Pat",
            LastName = last,
            Email = $"p.{Guid.NewGuid():N}@example.org",
            Address = "1 High Street\nTown",
            UserId = user,
        };
        await app.InsertAsync(guardian);
        await app.InsertAsync([.. students.Select(s => new StudentGuardian
        {
            StudentId = s, GuardianId = guardian.Id, Relationship = Relationship.Mother, HasParentalResponsibility = responsibility, ReceivesMail = true,
            ContactPriority = priority,
        })]);
        return (guardian.Id, signsIn ? app.ClientWithToken(await app.TokenAsync(email!, password!)) : null);
    }

    /// <summary>
    /// A completed session of the world's tutor on a day of October 2031 at 15:00 UTC, priced at <paramref name="rate"/>
    /// per hour (null: not priced); answers the session-student ids in the order of the students.
    /// </summary>
    public async Task<int[]> CompletedSessionAsync(LyceumApp app, int day, int minutes, decimal? rate, params int[] students)
    {
        var start = new DateTime(2031, 10, day, 15, 0, 0, DateTimeKind.Utc);
        var session = new TutoringSession
        {
            SchoolId = School,
            TutorId = Tutor,
            Subject = "Maths",
            StartUtc = start,
            EndUtc = start.AddMinutes(minutes),
            TimeZone = "Europe/London",
            Status = SessionStatus.Completed,
            Students = [.. students.Select(s => new TutoringSessionStudent
            {
                StudentId = s, Attendance = SessionAttendance.Present, Rate = rate, Amount = rate is { } r ? Math.Round(r * minutes / 60m, 2) : null,
            })],
        };
        await app.InsertAsync(session);
        return [.. session.Students.Select(s => s.Id)];
    }

    public async Task<JsonNode> GenerateAsync(HttpClient admin, int? guardianId = null)
    {
        using var response = await admin.PostAsJsonAsync("/api/v1/invoices/generate", new { schoolId = School, from = From, to = To, guardianId });
        return await response.JsonAsync();
    }

    public static async Task<JsonNode> SendAsync(HttpClient admin, int invoice)
    {
        using var response = await admin.PostAsync($"/api/v1/invoices/{invoice}/send", null);
        return await response.JsonAsync();
    }

    public static int Id(JsonNode node) => node["id"]!.GetValue<int>();

    /// <summary>The draft billed to a guardian among those a generation created.</summary>
    public static JsonNode For(JsonNode generated, int guardian) =>
        generated["created"]!.AsArray().Single(i => i!["guardianId"]!.GetValue<int>() == guardian)!;

    public static async Task<HttpResponseMessage> PayAsync(HttpClient admin, int invoice, decimal amount, Guid? clientId = null, string? paidOn = null) =>
        await admin.PostAsJsonAsync($"/api/v1/invoices/{invoice}/payments",
            new { amount, paidOn = paidOn ?? DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), method = "bank-transfer", reference = "REF-1", clientId });

    public static HttpStatusCode Status(HttpResponseMessage response) => response.StatusCode;
}
