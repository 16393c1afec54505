using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Platform.Access;

/// <summary>
/// Every endpoint of /api/v1 × every caller (signed out and each role preset's demo account): the status each gets,
/// and that a refused request changes nothing. A new endpoint without a row here fails
/// <see cref="Every_api_endpoint_is_in_the_access_matrix"/>: the matrix grows with each module.
/// </summary>
[Collection("app")]
public sealed class AccessMatrixTests(AppFixture fixture)
{
    private const HttpStatusCode Ok = HttpStatusCode.OK;
    private const HttpStatusCode Created = HttpStatusCode.Created;
    private const HttpStatusCode NoContent = HttpStatusCode.NoContent;
    private const HttpStatusCode Unauthorized = HttpStatusCode.Unauthorized;
    private const HttpStatusCode Forbidden = HttpStatusCode.Forbidden;
    private const HttpStatusCode NotFound = HttpStatusCode.NotFound;
    private const HttpStatusCode BadRequest = HttpStatusCode.BadRequest;

    /// <summary>The callers, in the order of each row's expected statuses.</summary>
    private static readonly string?[] Callers = [null, .. RoleNames.Presets];

    /// <summary>
    /// One row per endpoint. Expected statuses in the order: signed out, Administrator, Moderator, Teacher, Tutor,
    /// Guardian, Student. Records named "other" are ones no narrow scope reaches (a new student with no sections and
    /// no guardians), so a role that may view students in some scope gets 404 for them, and one that may not gets 403.
    /// </summary>
    private static readonly Dictionary<string, Row> Matrix = new[]
    {
        new Row("POST /api/v1/auth/token", c => Task.FromResult(Post("/api/v1/auth/token", new { email = LyceumApp.DemoEmail(RoleNames.Teacher), password = LyceumApp.DemoPassword })),
            Ok, Ok, Ok, Ok, Ok, Ok, Ok),
        new Row("POST /api/v1/auth/refresh", c => Task.FromResult(Post("/api/v1/auth/refresh", new { refreshToken = "not-a-token-we-issued" })),
            Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized, Unauthorized),
        new Row("POST /api/v1/auth/revoke", c => Task.FromResult(Post("/api/v1/auth/revoke", new { refreshToken = "not-a-token-we-issued" })),
            NoContent, NoContent, NoContent, NoContent, NoContent, NoContent, NoContent),
        new Row("GET /api/v1/me", c => Task.FromResult(Get("/api/v1/me")),
            Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok),
        new Row("GET /api/v1/notifications", c => Task.FromResult(Get("/api/v1/notifications")),
            Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok),
        new Row("POST /api/v1/notifications/{id:long}/read", c => Task.FromResult(Post("/api/v1/notifications/999999999/read", new { })),
            Unauthorized, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound),
        new Row("POST /api/v1/notifications/read-all", c => Task.FromResult(Post("/api/v1/notifications/read-all", new { })),
            Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok),
        new Row("GET /api/v1/notifications/preferences", c => Task.FromResult(Get("/api/v1/notifications/preferences")),
            Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok),
        new Row("PUT /api/v1/notifications/preferences", c => Task.FromResult(new HttpRequestMessage(HttpMethod.Put, "/api/v1/notifications/preferences") { Content = JsonContent.Create(new { }) }),
            Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok),
        new Row("GET /api/v1/messaging/deliveries/", c => Task.FromResult(Get("/api/v1/messaging/deliveries")),
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/messaging/deliveries/{id:long}", c => Task.FromResult(Get("/api/v1/messaging/deliveries/999999999")),
            Unauthorized, NotFound, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/messaging/deliveries/{id:long}/retry", c => Task.FromResult(Post("/api/v1/messaging/deliveries/999999999/retry", new { })),
            Unauthorized, NotFound, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/messaging/deliveries/retry-dead", c => Task.FromResult(Post("/api/v1/messaging/deliveries/retry-dead", new { })),
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/messages/contacts", c => Task.FromResult(Get("/api/v1/messages/contacts")),
            Unauthorized, Ok, Ok, Ok, Ok, Ok, Forbidden),
        new Row("GET /api/v1/messages/threads", c => Task.FromResult(Get("/api/v1/messages/threads")),
            Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok),
        new Row("GET /api/v1/messages/threads/{id:long}", c => Task.FromResult(Get("/api/v1/messages/threads/999999999")),
            Unauthorized, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound),
        new Row("POST /api/v1/messages/threads", c => Task.FromResult(Post("/api/v1/messages/threads", new { to = new[] { Guid.NewGuid() }, subject = "Hi", body = "Hello" })),
            Unauthorized, BadRequest, BadRequest, BadRequest, BadRequest, BadRequest, Forbidden),
        new Row("POST /api/v1/messages/threads/{id:long}/messages", c => Task.FromResult(Post("/api/v1/messages/threads/999999999/messages", new { body = "Hello" })),
            Unauthorized, NotFound, NotFound, NotFound, NotFound, NotFound, Forbidden),
        new Row("POST /api/v1/messages/threads/{id:long}/read", c => Task.FromResult(Post("/api/v1/messages/threads/999999999/read", new { })),
            Unauthorized, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound),
        new Row("POST /api/v1/messaging/broadcasts/", c => Task.FromResult(Post("/api/v1/messaging/broadcasts", new { subject = "Hi", body = "Hello", audience = new { kind = "school", schoolId = 999999 } })),
            Unauthorized, BadRequest, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/messaging/broadcasts/preview", c => Task.FromResult(Post("/api/v1/messaging/broadcasts/preview", new { kind = "school", schoolId = 999999 })),
            Unauthorized, BadRequest, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/messaging/broadcasts/", c => Task.FromResult(Get("/api/v1/messaging/broadcasts")),
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/messaging/broadcasts/{id:long}", c => Task.FromResult(Get("/api/v1/messaging/broadcasts/999999999")),
            Unauthorized, NotFound, NotFound, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/students/", c => Task.FromResult(Get("/api/v1/students")),
            Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok),
        new Row("GET /api/v1/students/{id:int}", async c => Get($"/api/v1/students/{(await c.OtherStudentAsync()).Id}"),
            Unauthorized, Ok, Ok, NotFound, NotFound, NotFound, NotFound),
        new Row("PUT /api/v1/students/{id:int}", async c =>
            {
                var student = await c.OtherStudentAsync();
                var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{student.Id}") { Content = JsonContent.Create(ValidEdit()) };
                request.Headers.TryAddWithoutValidation("If-Match", $"\"{student.Version:N}\"");
                return request;
            },
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/roles/", c => Task.FromResult(Get("/api/v1/roles")),
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/roles/{id:guid}", async c => Get($"/api/v1/roles/{await c.PresetIdAsync(RoleNames.Teacher)}"),
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/roles/", c => Task.FromResult(Post("/api/v1/roles", NewRole())),
            Unauthorized, Created, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("PUT /api/v1/roles/{id:guid}", async c =>
            {
                var (id, etag) = await c.CustomRoleAsync();
                var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/roles/{id}") { Content = JsonContent.Create(NewRole()) };
                request.Headers.TryAddWithoutValidation("If-Match", etag);
                return request;
            },
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("DELETE /api/v1/roles/{id:guid}", async c => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/roles/{(await c.CustomRoleAsync()).Id}"),
            Unauthorized, NoContent, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/permissions", c => Task.FromResult(Get("/api/v1/permissions")),
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/users/{userId:guid}/roles/", async c => Get($"/api/v1/users/{await c.NewUserAsync()}/roles"),
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("PUT /api/v1/users/{userId:guid}/roles/", async c => new HttpRequestMessage(HttpMethod.Put, $"/api/v1/users/{await c.NewUserAsync()}/roles")
            {
                Content = JsonContent.Create(new { roleIds = new[] { await c.PresetIdAsync(RoleNames.Moderator) } }),
            },
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/users/{userId:guid}/roles/", async c => Post($"/api/v1/users/{await c.NewUserAsync()}/roles",
                new { roleId = await c.PresetIdAsync(RoleNames.Administrator) }),
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("DELETE /api/v1/users/{userId:guid}/roles/{roleId:guid}", async c =>
                new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/users/{await c.NewUserAsync()}/roles/{await c.PresetIdAsync(RoleNames.Teacher)}"),
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/audit/", c => Task.FromResult(Get("/api/v1/audit?pageSize=5")),
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/sections/{id:int}/enrollments", async c => Get($"/api/v1/sections/{(await c.StructureAsync("sections")).Id}/enrollments"),
            Unauthorized, Ok, Ok, NotFound, Forbidden, NotFound, NotFound),
        new Row("POST /api/v1/sections/{id:int}/enrollments", async c =>
            {
                var (_, other, studentId) = await c.EnrollmentAsync(enrolled: false);
                return Post($"/api/v1/sections/{other}/enrollments", new { studentIds = new[] { studentId } });
            },
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/enrollments/{id:int}/withdraw", async c => Post($"/api/v1/enrollments/{(await c.EnrollmentAsync()).Enrollment}/withdraw", new { }),
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/enrollments/{id:int}/transfer", async c =>
            {
                var (enrollment, other, _) = await c.EnrollmentAsync();
                return Post($"/api/v1/enrollments/{enrollment}/transfer", new { sectionId = other });
            },
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/students/", async c => Post("/api/v1/students", Lyceum.IntegrationTests.Modules.Students.ManageStudentsTests.NewStudentBody(await c.DemoSchoolAsync())),
            Unauthorized, Created, Created, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/students/{id:int}/archive", async c => Post($"/api/v1/students/{(await c.OtherStudentAsync()).Id}/archive", new { }),
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/students/{id:int}/restore", async c => Post($"/api/v1/students/{(await c.OtherStudentAsync()).Id}/restore", new { }),
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("DELETE /api/v1/students/{id:int}", async c => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/students/{(await c.OtherStudentAsync()).Id}"),
            Unauthorized, NoContent, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("PUT /api/v1/students/{id:int}/guardians/{guardianId:int}", async c =>
            {
                var (student, guardian) = await c.StudentAndGuardianAsync(linked: false);
                return new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{student}/guardians/{guardian}") { Content = JsonContent.Create(new { relationship = "mother" }) };
            },
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("DELETE /api/v1/students/{id:int}/guardians/{guardianId:int}", async c =>
            {
                var (student, guardian) = await c.StudentAndGuardianAsync(linked: true);
                return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/students/{student}/guardians/{guardian}");
            },
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        // A school of its own per request, with next year to roll into (nobody moves: the request itself is what is checked).
        new Row("POST /api/v1/students/roll-forward", async c => Post("/api/v1/students/roll-forward", await c.RollForwardBodyAsync()),
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/users/invitations", async c => Post("/api/v1/users/invitations", new { personType = "staff", personId = await c.NewStaffAsync() }),
            Unauthorized, Created, Created, Forbidden, Forbidden, Forbidden, Forbidden),
        // users.view is install-wide: the office and the administrator see every account, nobody else any.
        new Row("GET /api/v1/users/", c => Task.FromResult(Get("/api/v1/users?status=active&sort=-createdAt")),
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("GET /api/v1/users/{userId:guid}", async c => Get($"/api/v1/users/{await c.NewUserAsync()}"),
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/users/{userId:guid}/password-link", async c => Post($"/api/v1/users/{await c.NewUserAsync()}/password-link", new { }),
            Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/users/{userId:guid}/deactivate", async c => Post($"/api/v1/users/{await c.NewUserAsync()}/deactivate", new { }),
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        new Row("POST /api/v1/users/{userId:guid}/reactivate", async c => Post($"/api/v1/users/{await c.NewUserAsync()}/reactivate", new { }),
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden),
        // Each subject has its own permission (see TimetableTests); a fresh section is the one a narrow scope does not
        // reach, and the tutor holds no sections.view at all.
        new Row("GET /api/v1/timetable", async c => Get($"/api/v1/timetable?sectionId={(await c.StructureAsync("sections")).Id}"),
            Unauthorized, Ok, Ok, NotFound, Forbidden, NotFound, NotFound),
    }.Concat(StructureRows()).Concat(PeopleRows()).Concat(AttendanceRows()).Concat(BehaviourRows()).Concat(GradebookRows()).Concat(ReportCardRows())
        .Concat(CalendarFeedRows()).Concat(FinanceRows()).Concat(SessionRows())
        .ToDictionary(r => r.Endpoint);

    /// <summary>
    /// Registers: a teacher takes those of their own sections (a fresh school's section: not found for the demo
    /// teacher) and the forms they tutor, the office every one; tutors, guardians and students take none (403).
    /// Summaries: attendance.view in the caller's scope (a fresh student or section: not found for narrow scopes).
    /// </summary>
    private static IEnumerable<Row> AttendanceRows()
    {
        const string lesson = "/api/v1/attendance/registers/lessons/{sectionId:int}/{date}/{periodId:int}";
        const string daily = "/api/v1/attendance/registers/daily/{schoolId:int}/{formGroup}/{date}/{session}";
        HttpStatusCode[] take = [Unauthorized, Ok, Ok, NotFound, Forbidden, Forbidden, Forbidden];
        yield return new Row($"GET {lesson}", async c => Get((await c.AttendanceSchoolAsync()).Lesson(AttendanceSchoolToday)), take);
        yield return new Row($"PUT {lesson}", async c =>
            {
                var s = await c.AttendanceSchoolAsync();
                return new HttpRequestMessage(HttpMethod.Put, s.Lesson(AttendanceSchoolToday)) { Content = JsonContent.Create(s.Marks()) };
            },
            take);
        yield return new Row($"GET {daily}", async c => Get(Daily(await c.AttendanceSchoolAsync(daily: true))), take);
        yield return new Row($"PUT {daily}", async c =>
            {
                var s = await c.AttendanceSchoolAsync(daily: true);
                return new HttpRequestMessage(HttpMethod.Put, Daily(s)) { Content = JsonContent.Create(s.Marks()) };
            },
            take);
        yield return new Row("GET /api/v1/attendance/registers", async c => Get($"/api/v1/attendance/registers?schoolId={await c.DemoSchoolAsync()}"),
            Unauthorized, Ok, Ok, Ok, Forbidden, Forbidden, Forbidden);
        yield return new Row("GET /api/v1/students/{id:int}/attendance", async c => Get($"/api/v1/students/{(await c.OtherStudentAsync()).Id}/attendance"),
            Unauthorized, Ok, Ok, NotFound, Forbidden, NotFound, NotFound);
        yield return new Row("GET /api/v1/attendance/students", async c => Get($"/api/v1/attendance/students?schoolId={await c.DemoSchoolAsync()}"),
            Unauthorized, Ok, Ok, Ok, Forbidden, Ok, Ok);
        yield return new Row("GET /api/v1/attendance/sections/{id:int}/summary", async c => Get($"/api/v1/attendance/sections/{(await c.StructureAsync("sections")).Id}/summary"),
            Unauthorized, Ok, Ok, NotFound, Forbidden, NotFound, NotFound);
        yield return new Row("GET /api/v1/attendance/days", async c => Get($"/api/v1/attendance/days?schoolId={await c.DemoSchoolAsync()}"),
            Unauthorized, Ok, Ok, Ok, Forbidden, Ok, Ok);
        yield return new Row("GET /api/v1/attendance/absences", async c => Get($"/api/v1/attendance/absences?schoolId={await c.DemoSchoolAsync()}"),
            Unauthorized, Ok, Ok, Ok, Forbidden, Ok, Ok);
        yield return new Row("POST /api/v1/students/{id:int}/attendance/explain", async c =>
            {
                var s = await c.AttendanceSchoolAsync();
                using var admin = await c.AdminAsync();
                using var taken = await admin.PutAsJsonAsync(s.Lesson(AttendanceSchoolToday), s.Marks((s.Students[0], "N")));
                await taken.JsonAsync();
                return Post($"/api/v1/students/{s.Students[0]}/attendance/explain", new { date = AttendanceSchoolToday, code = "M", reason = "Dentist" });
            },
            Unauthorized, Ok, Ok, NotFound, Forbidden, Forbidden, Forbidden);
        yield return new Row("GET /api/v1/attendance/settings/{schoolId:int}", async c => Get($"/api/v1/attendance/settings/{await c.DemoSchoolAsync()}"),
            Unauthorized, Ok, Ok, Ok, Forbidden, Forbidden, Forbidden);
        yield return new Row("PUT /api/v1/attendance/settings/{schoolId:int}", async c =>
            {
                using var admin = await c.AdminAsync();
                var school = await Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests.NewSchoolAsync(admin);
                return new HttpRequestMessage(HttpMethod.Put, $"/api/v1/attendance/settings/{school}")
                {
                    Content = JsonContent.Create(new { yearGroups = new[] { new { yearGroup = 7, mode = "daily" } } }),
                };
            },
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden);
    }

    /// <summary>
    /// Report cards and transcripts are the office's (reportcards.print: administrator and moderator), for a fresh
    /// student of the demo school (year 9, form 9Z); the template is read by whoever sees the school and replaced by
    /// whoever configures it (a fresh school each time).
    /// </summary>
    private static IEnumerable<Row> ReportCardRows()
    {
        HttpStatusCode[] print = [Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden];
        yield return new Row("GET /api/v1/report-cards", async c =>
            {
                var student = await c.OtherStudentAsync();
                return Get($"/api/v1/report-cards?termId={await c.DemoTermAsync()}&schoolId={student.SchoolId}&yearGroup=9&formGroup=9Z");
            },
            print);
        yield return new Row("GET /api/v1/students/{id:int}/report-card", async c => Get($"/api/v1/students/{(await c.OtherStudentAsync()).Id}/report-card?termId={await c.DemoTermAsync()}"),
            print);
        yield return new Row("GET /api/v1/students/{id:int}/transcript", async c => Get($"/api/v1/students/{(await c.OtherStudentAsync()).Id}/transcript"), print);
        yield return new Row("GET /api/v1/schools/{id:int}/report-card-template", async c => Get($"/api/v1/schools/{await c.DemoSchoolAsync()}/report-card-template"),
            Unauthorized, Ok, Ok, Ok, Forbidden, Forbidden, Forbidden);
        yield return new Row("PUT /api/v1/schools/{id:int}/report-card-template", async c =>
            {
                using var admin = await c.AdminAsync();
                var school = await Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests.NewSchoolAsync(admin);
                return new HttpRequestMessage(HttpMethod.Put, $"/api/v1/schools/{school}/report-card-template") { Content = JsonContent.Create(new { title = "Matrix report" }) };
            },
            Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden);
    }

    /// <summary>
    /// Tutoring finance is the administrator's alone (finance.view / finance.edit): everyone else gets 403, the
    /// moderator and the tutor included. Invoices are read with invoices.view: a guardian lists their own family's
    /// (here: none) and does not find another family's invoice or balance (404). Each request bills a fresh family of
    /// the demo school (an invoice inserted as it would stand: draft, sent or void).
    /// </summary>
    private static IEnumerable<Row> FinanceRows()
    {
        HttpStatusCode[] adminOnly(HttpStatusCode allowed) => [Unauthorized, allowed, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden];
        HttpStatusCode[] familyRead = [Unauthorized, Ok, Forbidden, Forbidden, Forbidden, NotFound, Forbidden];
        yield return new Row("GET /api/v1/tutoring/rates/", async c => Get($"/api/v1/tutoring/rates?schoolId={await c.DemoSchoolAsync()}"), adminOnly(Ok));
        yield return new Row("GET /api/v1/tutoring/rates/{id:int}", async c => Get($"/api/v1/tutoring/rates/{await c.OtherRateAsync()}"), adminOnly(Ok));
        yield return new Row("POST /api/v1/tutoring/rates/", async c =>
                Post("/api/v1/tutoring/rates", new { schoolId = await c.DemoSchoolAsync(), studentId = (await c.OtherStudentAsync()).Id, hourlyRate = 12.5m }),
            adminOnly(Created));
        yield return new Row("PUT /api/v1/tutoring/rates/{id:int}", async c =>
                new HttpRequestMessage(HttpMethod.Put, $"/api/v1/tutoring/rates/{await c.OtherRateAsync()}") { Content = JsonContent.Create(new { subject = "Matrix", hourlyRate = 13m }) },
            adminOnly(Ok));
        yield return new Row("DELETE /api/v1/tutoring/rates/{id:int}", async c => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/tutoring/rates/{await c.OtherRateAsync()}"),
            adminOnly(NoContent));
        yield return new Row("GET /api/v1/tutoring/revenue", async c => Get($"/api/v1/tutoring/revenue?schoolId={await c.DemoSchoolAsync()}&groupBy=tutor"), adminOnly(Ok));
        // A month without sessions: allowed, and nothing to bill.
        yield return new Row("POST /api/v1/invoices/generate", async c => Post("/api/v1/invoices/generate", new { schoolId = await c.DemoSchoolAsync(), from = "2019-01-01", to = "2019-01-31" }),
            adminOnly(Ok));
        yield return new Row("GET /api/v1/invoices/", c => Task.FromResult(Get("/api/v1/invoices?pageSize=5")), Unauthorized, Ok, Forbidden, Forbidden, Forbidden, Ok, Forbidden);
        yield return new Row("GET /api/v1/invoices/{id:int}", async c => Get($"/api/v1/invoices/{(await c.OtherInvoiceAsync(Lyceum.Modules.Tutoring.InvoiceStatus.Sent)).Invoice}"), familyRead);
        yield return new Row("GET /api/v1/invoices/{id:int}/pdf", async c => Get($"/api/v1/invoices/{(await c.OtherInvoiceAsync(Lyceum.Modules.Tutoring.InvoiceStatus.Sent)).Invoice}/pdf"), familyRead);
        yield return new Row("GET /api/v1/guardians/{id:int}/balance", async c => Get($"/api/v1/guardians/{(await c.OtherInvoiceAsync(Lyceum.Modules.Tutoring.InvoiceStatus.Sent)).Guardian}/balance"), familyRead);
        yield return new Row("PUT /api/v1/invoices/{id:int}", async c =>
                new HttpRequestMessage(HttpMethod.Put, $"/api/v1/invoices/{(await c.OtherInvoiceAsync()).Invoice}") { Content = JsonContent.Create(new { notes = "Matrix" }) },
            adminOnly(Ok));
        yield return new Row("DELETE /api/v1/invoices/{id:int}/lines/{lineId:int}", async c =>
            {
                var (invoice, line, _) = await c.OtherInvoiceAsync();
                return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/invoices/{invoice}/lines/{line}");
            },
            adminOnly(Ok));
        yield return new Row("POST /api/v1/invoices/{id:int}/send", async c => Post($"/api/v1/invoices/{(await c.OtherInvoiceAsync()).Invoice}/send", new { }), adminOnly(Ok));
        yield return new Row("POST /api/v1/invoices/{id:int}/void", async c =>
                Post($"/api/v1/invoices/{(await c.OtherInvoiceAsync(Lyceum.Modules.Tutoring.InvoiceStatus.Sent)).Invoice}/void", new { reason = "Matrix" }),
            adminOnly(Ok));
        yield return new Row("POST /api/v1/invoices/{id:int}/reissue", async c =>
                Post($"/api/v1/invoices/{(await c.OtherInvoiceAsync(Lyceum.Modules.Tutoring.InvoiceStatus.Void)).Invoice}/reissue", new { }),
            adminOnly(Created));
        yield return new Row("DELETE /api/v1/invoices/{id:int}", async c => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/invoices/{(await c.OtherInvoiceAsync()).Invoice}"),
            adminOnly(NoContent));
        yield return new Row("POST /api/v1/invoices/{id:int}/payments", async c =>
                Post($"/api/v1/invoices/{(await c.OtherInvoiceAsync(Lyceum.Modules.Tutoring.InvoiceStatus.Sent)).Invoice}/payments",
                    new { amount = 10m, paidOn = "2020-02-01", method = "cash", clientId = Guid.NewGuid() }),
            adminOnly(Created));
    }

    private static DateOnly AttendanceSchoolToday => Lyceum.IntegrationTests.Modules.Attendance.AttendanceSchool.TodayAtSchool();

    private static string Daily(Lyceum.IntegrationTests.Modules.Attendance.AttendanceSchool s) =>
        $"/api/v1/attendance/registers/daily/{s.School}/9Z/{s.Weekday:yyyy-MM-dd}/AM";

    /// <summary>
    /// Incidents, the ledger and detentions, reached through their students: the "other" student is in nobody's
    /// section or family, so a teacher or guardian does not find their records (404) and cannot name them (400 at
    /// studentId); the tutor and the student hold no behaviour permission (403). Only the administrator changes or
    /// deletes incidents (behaviour.edit/delete); the office and teachers schedule and mark detentions.
    /// </summary>
    private static IEnumerable<Row> BehaviourRows()
    {
        const HttpStatusCode BadRequest = HttpStatusCode.BadRequest;
        HttpStatusCode[] adminOnly(HttpStatusCode allowed) => [Unauthorized, allowed, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden];
        yield return new Row("POST /api/v1/incidents/", async c => Post("/api/v1/incidents", await c.IncidentBodyAsync()),
            Unauthorized, Created, Created, BadRequest, Forbidden, Forbidden, Forbidden);
        yield return new Row("GET /api/v1/incidents/", c => Task.FromResult(Get("/api/v1/incidents?pageSize=5")),
            Unauthorized, Ok, Ok, Ok, Forbidden, Ok, Forbidden);
        yield return new Row("GET /api/v1/incidents/{id:int}", async c => Get($"/api/v1/incidents/{(await c.OtherIncidentAsync()).Id}"),
            Unauthorized, Ok, Ok, NotFound, Forbidden, NotFound, Forbidden);
        yield return new Row("PUT /api/v1/incidents/{id:int}", async c =>
            {
                var (id, etag, type) = await c.OtherIncidentAsync();
                var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/incidents/{id}") { Content = JsonContent.Create(new { typeId = type, severity = 2 }) };
                request.Headers.TryAddWithoutValidation("If-Match", etag);
                return request;
            },
            adminOnly(Ok));
        yield return new Row("DELETE /api/v1/incidents/{id:int}", async c => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/incidents/{(await c.OtherIncidentAsync()).Id}"),
            adminOnly(NoContent));
        yield return new Row("GET /api/v1/students/{id:int}/behaviour", async c => Get($"/api/v1/students/{(await c.OtherStudentAsync()).Id}/behaviour"),
            Unauthorized, Ok, Ok, NotFound, Forbidden, NotFound, Forbidden);
        yield return new Row("POST /api/v1/detentions/", async c => Post("/api/v1/detentions", await c.DetentionBodyAsync()),
            Unauthorized, Created, Created, BadRequest, Forbidden, Forbidden, Forbidden);
        yield return new Row("GET /api/v1/detentions/", c => Task.FromResult(Get("/api/v1/detentions?pageSize=5")),
            Unauthorized, Ok, Ok, Ok, Forbidden, Ok, Forbidden);
        yield return new Row("GET /api/v1/detentions/{id:int}", async c => Get($"/api/v1/detentions/{await c.OtherDetentionAsync()}"),
            Unauthorized, Ok, Ok, NotFound, Forbidden, NotFound, Forbidden);
        yield return new Row("POST /api/v1/detentions/{id:int}/status", async c => Post($"/api/v1/detentions/{await c.OtherDetentionAsync()}/status", new { status = "cancelled" }),
            Unauthorized, Ok, Ok, NotFound, Forbidden, Forbidden, Forbidden);
    }

    /// <summary>
    /// Gradebooks, reached through staff grants only: the "other" gradebook is a fresh school's class that the demo
    /// teacher does not teach (not found for them) and no demo child is in (a guardian's or student's grades.view never
    /// reaches a class's gradebook: not found). The office reads (grades.view) but neither marks nor publishes; the
    /// tutor holds no grades permission. A student's grades follow the student (a fresh one: nobody's narrow scope).
    /// Grading scales are school records: read with school.view, changed with school.configure.
    /// </summary>
    private static IEnumerable<Row> GradebookRows()
    {
        HttpStatusCode[] read = [Unauthorized, Ok, Ok, NotFound, Forbidden, NotFound, NotFound];
        HttpStatusCode[] change(HttpStatusCode allowed) => [Unauthorized, allowed, Forbidden, NotFound, Forbidden, Forbidden, Forbidden];
        HttpStatusCode[] readScales = [Unauthorized, Ok, Ok, Ok, Forbidden, Forbidden, Forbidden];
        HttpStatusCode[] configure(HttpStatusCode allowed) => [Unauthorized, allowed, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden];
        HttpRequestMessage put(string url, string etag, object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            return request;
        }

        yield return new Row("GET /api/v1/sections/{id:int}/gradebook", async c => Get($"/api/v1/sections/{(await c.OtherGradebookAsync()).Section}/gradebook"), read);
        yield return new Row("PUT /api/v1/sections/{id:int}/gradebook/scale", async c =>
            {
                var g = await c.OtherGradebookAsync();
                return new HttpRequestMessage(HttpMethod.Put, $"/api/v1/sections/{g.Section}/gradebook/scale") { Content = JsonContent.Create(new { scaleId = g.Scale }) };
            },
            change(Ok));
        yield return new Row("POST /api/v1/sections/{id:int}/grade-categories", async c =>
                Post($"/api/v1/sections/{(await c.OtherGradebookAsync()).Section}/grade-categories", new { name = "Matrix", weight = 10 }),
            change(Created));
        yield return new Row("PUT /api/v1/grade-categories/{id:int}", async c =>
            {
                var g = await c.OtherGradebookAsync();
                return put($"/api/v1/grade-categories/{g.Category}", g.CategoryETag, new { name = "Tests", weight = 60 });
            },
            change(Ok));
        yield return new Row("DELETE /api/v1/grade-categories/{id:int}", async c =>
                new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/grade-categories/{(await c.OtherGradebookAsync()).EmptyCategory}"),
            change(NoContent));
        yield return new Row("POST /api/v1/sections/{id:int}/assessments", async c =>
            {
                var g = await c.OtherGradebookAsync();
                return Post($"/api/v1/sections/{g.Section}/assessments", new { title = "Matrix quiz", date = "2031-10-02", maxPoints = 10, categoryId = g.Category });
            },
            change(Created));
        yield return new Row("PUT /api/v1/assessments/{id:int}", async c =>
            {
                var g = await c.OtherGradebookAsync();
                return put($"/api/v1/assessments/{g.Assessment}", g.AssessmentETag, new { title = "Matrix test", date = "2031-10-01", maxPoints = 25, categoryId = g.Category });
            },
            change(Ok));
        yield return new Row("DELETE /api/v1/assessments/{id:int}", async c =>
                new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/assessments/{(await c.OtherGradebookAsync()).Assessment}"),
            change(NoContent));
        yield return new Row("PUT /api/v1/sections/{id:int}/marks", async c =>
            {
                var g = await c.OtherGradebookAsync();
                return new HttpRequestMessage(HttpMethod.Put, $"/api/v1/sections/{g.Section}/marks")
                {
                    Content = JsonContent.Create(new { marks = new[] { new { assessmentId = g.Assessment, studentId = g.Student, points = 15 } } }),
                };
            },
            change(Ok));
        yield return new Row("PUT /api/v1/sections/{id:int}/term-grades/{studentId:int}", async c =>
            {
                var g = await c.OtherGradebookAsync();
                return new HttpRequestMessage(HttpMethod.Put, $"/api/v1/sections/{g.Section}/term-grades/{g.Student}")
                {
                    Content = JsonContent.Create(new { overrideGrade = "A", overrideReason = "Matrix", comment = "Matrix" }),
                };
            },
            change(Ok));
        yield return new Row("POST /api/v1/assessments/{id:int}/publish", async c => Post($"/api/v1/assessments/{(await c.OtherGradebookAsync()).Assessment}/publish", new { }),
            change(Ok));
        yield return new Row("POST /api/v1/assessments/{id:int}/unpublish", async c => Post($"/api/v1/assessments/{(await c.OtherGradebookAsync(published: true)).Assessment}/unpublish", new { }),
            change(Ok));
        yield return new Row("POST /api/v1/sections/{id:int}/term-grades/publish", async c => Post($"/api/v1/sections/{(await c.OtherGradebookAsync()).Section}/term-grades/publish", new { }),
            change(Ok));
        yield return new Row("POST /api/v1/sections/{id:int}/term-grades/unpublish", async c =>
                Post($"/api/v1/sections/{(await c.OtherGradebookAsync(published: true)).Section}/term-grades/unpublish", new { }),
            change(Ok));
        yield return new Row("GET /api/v1/students/{id:int}/grades", async c => Get($"/api/v1/students/{(await c.OtherGradebookAsync()).Student}/grades"), read);
        yield return new Row("GET /api/v1/grading-scales/", async c => Get($"/api/v1/grading-scales?schoolId={await c.DemoSchoolAsync()}"), readScales);
        yield return new Row("GET /api/v1/grading-scales/{id:int}", async c => Get($"/api/v1/grading-scales/{(await c.OtherGradebookAsync()).Scale}"), readScales);
        yield return new Row("POST /api/v1/grading-scales/", async c => Post("/api/v1/grading-scales", await c.ScaleBodyAsync()), configure(Created));
        yield return new Row("PUT /api/v1/grading-scales/{id:int}", async c =>
            {
                var (id, etag, body) = await c.ScaleAsync();
                return put($"/api/v1/grading-scales/{id}", etag, body);
            },
            configure(Ok));
        yield return new Row("DELETE /api/v1/grading-scales/{id:int}", async c => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/grading-scales/{(await c.ScaleAsync()).Id}"),
            configure(NoContent));
    }

    /// <summary>
    /// Guardians and staff as records. Guardians: the office adds and edits (guardians.create/edit), a teacher and a
    /// guardian see only those of their students or children (a fresh one: not found), deleting is the
    /// administrator's. Staff: administrators manage them; the office reads them; a teacher or tutor sees and edits
    /// only their own record (another one: not found).
    /// </summary>
    private static IEnumerable<Row> PeopleRows()
    {
        var people = new (string Route, HttpStatusCode[] List, HttpStatusCode[] One, HttpStatusCode[] Create, HttpStatusCode[] Edit, HttpStatusCode[] Delete)[]
        {
            ("guardians",
                [Unauthorized, Ok, Ok, Ok, Forbidden, Ok, Forbidden],
                [Unauthorized, Ok, Ok, NotFound, Forbidden, NotFound, Forbidden],
                [Unauthorized, Created, Created, Forbidden, Forbidden, Forbidden, Forbidden],
                [Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden],
                [Unauthorized, NoContent, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden]),
            ("staff",
                [Unauthorized, Ok, Ok, Ok, Ok, Forbidden, Forbidden],
                [Unauthorized, Ok, Ok, NotFound, NotFound, Forbidden, Forbidden],
                [Unauthorized, Created, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
                [Unauthorized, Ok, Forbidden, NotFound, NotFound, Forbidden, Forbidden],
                [Unauthorized, NoContent, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden]),
        };
        foreach (var (route, list, one, create, edit, delete) in people)
        {
            yield return new Row($"GET /api/v1/{route}/", c => Task.FromResult(Get($"/api/v1/{route}")), list);
            yield return new Row($"GET /api/v1/{route}/{{id:int}}", async c => Get($"/api/v1/{route}/{(await c.PersonAsync(route)).Id}"), one);
            yield return new Row($"POST /api/v1/{route}/", async c => Post($"/api/v1/{route}", await c.PersonBodyAsync(route)), create);
            yield return new Row($"PUT /api/v1/{route}/{{id:int}}", async c =>
                {
                    var (id, etag, body) = await c.PersonAsync(route);
                    var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/{route}/{id}") { Content = JsonContent.Create(body) };
                    request.Headers.TryAddWithoutValidation("If-Match", etag);
                    return request;
                },
                edit);
            yield return new Row($"POST /api/v1/{route}/{{id:int}}/archive", async c => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{route}/{(await c.PersonAsync(route)).Id}/archive"), edit);
            yield return new Row($"POST /api/v1/{route}/{{id:int}}/restore", async c => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{route}/{(await c.PersonAsync(route)).Id}/restore"), edit);
            yield return new Row($"DELETE /api/v1/{route}/{{id:int}}", async c => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/{route}/{(await c.PersonAsync(route)).Id}"), delete);
        }
    }

    /// <summary>
    /// The school's structure: staff with <c>school.view</c> (administrator, moderator, teacher) read it; only
    /// <c>school.configure</c> (the administrator) changes it. Each request works on fresh records in a fresh school.
    /// </summary>
    private static IEnumerable<Row> StructureRows()
    {
        HttpStatusCode[] read = [Unauthorized, Ok, Ok, Ok, Forbidden, Forbidden, Forbidden];
        // Sections: sections.view reaches a guardian's children's and a student's own (lists answer; a fresh section
        // with nobody in it is not found for them, nor for a teacher who does not teach it). The tutor has no grant.
        HttpStatusCode[] readSections = [Unauthorized, Ok, Ok, Ok, Forbidden, Ok, Ok];
        HttpStatusCode[] readSection = [Unauthorized, Ok, Ok, NotFound, Forbidden, NotFound, NotFound];
        // Behaviour types and rules: behaviour.view reads them (a narrow grant every school's: they are the policy, not
        // anyone's record); the tutor and the student hold no behaviour.view.
        HttpStatusCode[] readPolicy = [Unauthorized, Ok, Ok, Ok, Forbidden, Ok, Forbidden];
        foreach (var route in new[] { "schools", "branches", "academic-years", "terms", "rooms", "periods", "departments", "courses", "sections", "attendance-codes", "behaviour-types", "behaviour-rules" })
        {
            HttpStatusCode[] change(HttpStatusCode allowed) => [Unauthorized, allowed, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden];
            var (readList, readOne) = route switch
            {
                "sections" => (readSections, readSection),
                "behaviour-types" or "behaviour-rules" => (readPolicy, readPolicy),
                _ => (read, read),
            };
            yield return new Row($"GET /api/v1/{route}/", c => Task.FromResult(Get($"/api/v1/{route}")), readList);
            yield return new Row($"GET /api/v1/{route}/{{id:int}}", async c => Get($"/api/v1/{route}/{(await c.StructureAsync(route)).Id}"), readOne);
            yield return new Row($"POST /api/v1/{route}/", async c => Post($"/api/v1/{route}", await c.StructureBodyAsync(route)), change(Created));
            yield return new Row($"PUT /api/v1/{route}/{{id:int}}", async c =>
                {
                    var (id, etag, body) = await c.StructureAsync(route);
                    var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/{route}/{id}") { Content = JsonContent.Create(body) };
                    request.Headers.TryAddWithoutValidation("If-Match", etag);
                    return request;
                },
                change(Ok));
            yield return new Row($"POST /api/v1/{route}/{{id:int}}/archive", async c => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{route}/{(await c.StructureAsync(route)).Id}/archive"), change(Ok));
            yield return new Row($"POST /api/v1/{route}/{{id:int}}/restore", async c => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{route}/{(await c.StructureAsync(route)).Id}/restore"), change(Ok));
            yield return new Row($"DELETE /api/v1/{route}/{{id:int}}", async c => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/{route}/{(await c.StructureAsync(route)).Id}"), change(NoContent));
        }
    }

    /// <summary>
    /// The caller's own calendar feed: whoever holds sessions.view in any scope (everyone but the teacher preset) makes,
    /// reads and revokes their own; it is nobody else's, so there is nothing to find for anyone else.
    /// </summary>
    /// <summary>
    /// Tutoring sessions: a fresh tutor (no sign-in) with a fresh student of the demo school, years ahead, is another
    /// tutor's session to the demo tutor and nobody's child to the demo family. Coordinators book, move and cancel;
    /// tutors log their own; families read their own.
    /// </summary>
    private static IEnumerable<Row> SessionRows()
    {
        const string sessions = "/api/v1/tutoring/sessions";
        HttpStatusCode[] coordinators(HttpStatusCode allowed) => [Unauthorized, allowed, allowed, Forbidden, Forbidden, Forbidden, Forbidden];
        yield return new Row($"GET {sessions}", async c => Get($"{sessions}?from=2035-01-01&to=2035-01-07&schoolId={await c.DemoSchoolAsync()}"),
            Unauthorized, Ok, Ok, Forbidden, Ok, Ok, Ok);
        yield return new Row($"POST {sessions}", async c =>
            {
                var (tutor, student) = await c.TutorAndStudentAsync();
                return Post(sessions, new { tutorId = tutor, studentIds = new[] { student }, subject = "Matrix", start = "2035-01-02T16:00:00", end = "2035-01-02T17:00:00" });
            },
            coordinators(Created));
        yield return new Row($"GET {sessions}/{{id:int}}", async c => Get($"{sessions}/{await c.OtherSessionAsync()}"),
            Unauthorized, Ok, Ok, Forbidden, NotFound, NotFound, NotFound);
        yield return new Row($"PUT {sessions}/{{id:int}}", async c =>
                new HttpRequestMessage(HttpMethod.Put, $"{sessions}/{await c.OtherSessionAsync()}") { Content = JsonContent.Create(new { notes = "Matrix" }) },
            coordinators(Ok));
        yield return new Row($"POST {sessions}/{{id:int}}/cancel", async c => Post($"{sessions}/{await c.OtherSessionAsync()}/cancel", new { reason = "Matrix" }),
            coordinators(Ok));
        yield return new Row($"POST {sessions}/{{id:int}}/log", async c => Post($"{sessions}/{await c.OtherSessionAsync()}/log", new { logId = Guid.NewGuid(), status = "cancelled" }),
            Unauthorized, Ok, Ok, Forbidden, NotFound, Forbidden, Forbidden);
        yield return new Row("GET /api/v1/tutoring/options", c => Task.FromResult(Get("/api/v1/tutoring/options")),
            Unauthorized, Ok, Ok, Forbidden, Ok, NotFound, NotFound);
        yield return new Row("GET /api/v1/tutoring/tutors/{id:int}/availability", async c => Get($"/api/v1/tutoring/tutors/{(await c.TutorAndStudentAsync()).Tutor}/availability"),
            Unauthorized, Ok, Ok, Forbidden, NotFound, NotFound, NotFound);
        yield return new Row("PUT /api/v1/tutoring/tutors/{id:int}/availability", async c =>
                new HttpRequestMessage(HttpMethod.Put, $"/api/v1/tutoring/tutors/{(await c.TutorAndStudentAsync()).Tutor}/availability")
                {
                    Content = JsonContent.Create(new { windows = new[] { new { day = "monday", start = "15:00", end = "19:00" } } }),
                },
            Unauthorized, Ok, Ok, Forbidden, NotFound, NotFound, NotFound);
    }

    private static IEnumerable<Row> CalendarFeedRows()
    {
        const string feed = "/api/v1/me/calendar-feed/";
        yield return new Row($"GET {feed}", c => Task.FromResult(Get(feed)), Unauthorized, Ok, Ok, Forbidden, Ok, Ok, Ok);
        yield return new Row($"POST {feed}", c => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, feed)), Unauthorized, Created, Created, Forbidden, Created, Created, Created);
        yield return new Row($"DELETE {feed}", c => Task.FromResult(new HttpRequestMessage(HttpMethod.Delete, feed)), Unauthorized, NoContent, NoContent, Forbidden, NoContent, NoContent, NoContent);
    }

    /// <summary>The rows that also run on PostgreSQL: a read, a scoped read, a refused write and an administrator's write.</summary>
    private static readonly string[] PostgreSqlSubset =
    [
        "GET /api/v1/students/", "GET /api/v1/students/{id:int}", "PUT /api/v1/students/{id:int}", "POST /api/v1/roles/",
        "PUT /api/v1/users/{userId:guid}/roles/", "GET /api/v1/audit/", "GET /api/v1/terms/{id:int}", "POST /api/v1/rooms/",
        "GET /api/v1/sections/", "PUT /api/v1/sections/{id:int}", "POST /api/v1/students/", "GET /api/v1/guardians/",
        "PUT /api/v1/staff/{id:int}", "POST /api/v1/users/invitations", "POST /api/v1/users/{userId:guid}/deactivate",
        "GET /api/v1/timetable", "GET /api/v1/users/", "PUT /api/v1/attendance/registers/lessons/{sectionId:int}/{date}/{periodId:int}",
        "GET /api/v1/students/{id:int}/attendance", "PUT /api/v1/attendance/registers/daily/{schoolId:int}/{formGroup}/{date}/{session}",
        "POST /api/v1/incidents/", "GET /api/v1/incidents/{id:int}",
        "POST /api/v1/detentions/{id:int}/status", "GET /api/v1/behaviour-types/",
        "GET /api/v1/sections/{id:int}/gradebook", "PUT /api/v1/sections/{id:int}/marks", "POST /api/v1/assessments/{id:int}/publish",
        "GET /api/v1/students/{id:int}/grades", "POST /api/v1/grading-scales/",
        "GET /api/v1/students/{id:int}/report-card", "PUT /api/v1/schools/{id:int}/report-card-template",
        "POST /api/v1/me/calendar-feed/", "GET /api/v1/tutoring/sessions", "POST /api/v1/tutoring/sessions/{id:int}/log",
        "POST /api/v1/tutoring/rates/", "GET /api/v1/invoices/{id:int}", "POST /api/v1/invoices/{id:int}/send", "POST /api/v1/invoices/{id:int}/payments",
    ];

    public static TheoryData<DatabaseProvider, string> Rows()
    {
        var data = new TheoryData<DatabaseProvider, string>();
        foreach (var endpoint in Matrix.Keys)
        {
            data.Add(DatabaseProvider.Sqlite, endpoint);
        }

        foreach (var endpoint in PostgreSqlSubset)
        {
            data.Add(DatabaseProvider.PostgreSql, endpoint);
        }

        return data;
    }

    [Theory, MemberData(nameof(Rows))]
    public async Task Each_caller_gets_exactly_what_its_role_allows(DatabaseProvider provider, string endpoint)
    {
        var app = await fixture.App(provider);
        var row = Matrix[endpoint];
        var context = new Context(app);
        var failures = new List<string>();
        for (var i = 0; i < Callers.Length; i++)
        {
            var caller = Callers[i];
            using var client = caller is null ? app.CreateClient() : await app.DemoClientAsync(caller);
            using var request = await row.Request(context);
            var trailBefore = await AuditCountAsync(app);

            using var response = await client.SendAsync(request);

            var who = caller ?? "signed out";
            if (response.StatusCode != row.Expected[i])
            {
                failures.Add($"{who}: expected {(int)row.Expected[i]}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            else if ((int)response.StatusCode >= 400)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                // Refused: nothing written, so nothing in the trail (every write is in it).
                if (await AuditCountAsync(app) != trailBefore)
                {
                    failures.Add($"{who}: refused with {(int)response.StatusCode} but the audit trail grew");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{endpoint}:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Every_api_endpoint_is_in_the_access_matrix()
    {
        var app = await fixture.App(DatabaseProvider.Sqlite);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet();

        Assert.Empty(endpoints.Except(Matrix.Keys).Order());
        Assert.Empty(Matrix.Keys.Except(endpoints).Order());
    }

    private static Task<int> AuditCountAsync(LyceumApp app) => app.QueryAsync(db => db.AuditEntries.CountAsync());

    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    private static HttpRequestMessage Post(string url, object body) => new(HttpMethod.Post, url) { Content = JsonContent.Create(body) };

    private static object NewRole() => new
    {
        name = $"Matrix {Guid.NewGuid():N}",
        description = "Made by the access matrix test",
        grants = new[] { new { permission = "students.view", scope = "ownSections" } },
    };

    private sealed record OtherGradebook(int Section, int Student, int Category, string CategoryETag, int EmptyCategory, int Assessment, string AssessmentETag, int Scale);

    private sealed record Row(string Endpoint, Func<Context, Task<HttpRequestMessage>> Request, params HttpStatusCode[] Expected);

    /// <summary>Fresh records for each request, so that an allowed write in one column does not change the next.</summary>
    private sealed class Context(LyceumApp app)
    {
        public Task<Lyceum.Modules.Students.Student> OtherStudentAsync() => NewStudentAsync(app, "Matrix", "Other");

        public Task<HttpClient> AdminAsync() => app.AdminClientAsync();

        /// <summary>A fresh school with a term around today and a section meeting every day (see AttendanceSchool); year 9 registers daily when asked.</summary>
        public async Task<Lyceum.IntegrationTests.Modules.Attendance.AttendanceSchool> AttendanceSchoolAsync(bool daily = false)
        {
            using var admin = await app.AdminClientAsync();
            var school = await Lyceum.IntegrationTests.Modules.Attendance.AttendanceSchool.NewAsync(app, admin);
            if (daily)
            {
                using var response = await admin.PutAsJsonAsync($"/api/v1/attendance/settings/{school.School}", new { yearGroups = new[] { new { yearGroup = 9, mode = "daily" } } });
                await response.JsonAsync();
            }

            return school;
        }

        public Task<int> DemoSchoolAsync() => Lyceum.IntegrationTests.Modules.Students.ManageStudentsTests.DemoSchoolAsync(app);

        /// <summary>A term of the demo school (the one new students are made in).</summary>
        public async Task<int> DemoTermAsync()
        {
            var school = await DemoSchoolAsync();
            return await app.QueryAsync(db => db.Terms.Where(t => t.AcademicYear!.SchoolId == school).OrderByDescending(t => t.StartDate).Select(t => t.Id).FirstAsync());
        }

        /// <summary>A fresh student and a fresh guardian of the demo school, linked or not.</summary>
        public async Task<(int Student, int Guardian)> StudentAndGuardianAsync(bool linked)
        {
            var school = await DemoSchoolAsync();
            var student = await NewStudentAsync(app, "Matrix", "Linked", school: school);
            var guardian = await Lyceum.IntegrationTests.Modules.Students.ManageStudentsTests.NewGuardianAsync(app, school, "Matrix", "Guardian");
            if (linked)
            {
                await app.InsertAsync(new Lyceum.Modules.Students.StudentGuardian
                {
                    StudentId = student.Id,
                    GuardianId = guardian.Id,
                    Relationship = Lyceum.Modules.Students.Relationship.Other,
                    ContactPriority = 1,
                });
            }

            return (student.Id, guardian.Id);
        }

        /// <summary>A valid body for a new guardian or staff member of the demo school (a fresh staff number each time).</summary>
        public async Task<object> PersonBodyAsync(string route)
        {
            var school = await DemoSchoolAsync();
            return route == "guardians"
                ? new { schoolId = school, firstName = "Matrix", lastName = "Guardian", email = "matrix.guardian@example.org" }
                : new { schoolId = school, staffNumber = $"M{Guid.NewGuid():N}"[..12], firstName = "Matrix", lastName = "Staff", email = "matrix.staff@example.org" };
        }

        /// <summary>A fresh guardian or staff member made by the administrator: its id, ETag and a valid PUT body.</summary>
        public async Task<(int Id, string ETag, object Body)> PersonAsync(string route)
        {
            var body = await PersonBodyAsync(route);
            using var admin = await app.AdminClientAsync();
            using var response = await admin.PostAsJsonAsync($"/api/v1/{route}", body);
            var created = await response.JsonAsync(HttpStatusCode.Created);
            return (created["id"]!.GetValue<int>(), response.Headers.ETag!.Tag, body);
        }

        public Task<Guid> PresetIdAsync(string name) =>
            app.QueryAsync(db => db.Roles.Where(r => r.Name == name).Select(r => r.Id).SingleAsync());

        public async Task<(Guid Id, string ETag)> CustomRoleAsync()
        {
            using var admin = await app.AdminClientAsync();
            using var response = await admin.PostAsJsonAsync("/api/v1/roles", NewRole());
            var body = await response.JsonAsync(HttpStatusCode.Created);
            return (Guid.Parse(body["id"]!.GetValue<string>()), response.Headers.ETag!.Tag);
        }

        /// <summary>A valid body for a new record of <paramref name="route"/>, in a new school (and year, for a term).</summary>
        public async Task<object> StructureBodyAsync(string route)
        {
            if (route == "schools")
            {
                return new { name = "Matrix school", code = $"M{Guid.NewGuid():N}"[..12], timeZone = "Europe/Athens" };
            }

            using var admin = await app.AdminClientAsync();
            if (route is "courses" or "sections")
            {
                var setup = await Lyceum.IntegrationTests.Modules.Schools.SectionsTests.SetUpAsync(app, admin);
                return route == "courses"
                    ? new { schoolId = setup.School, departmentId = await DepartmentOfAsync(setup.Course), code = "MX", name = "Matrix course" }
                    : new { courseId = setup.Course, termId = setup.Autumn, teacherId = setup.Teacher, name = "Matrix section", meetings = new[] { new { day = "friday", periodId = setup.P1 } } };
            }

            var school = await Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests.NewSchoolAsync(admin);
            return route switch
            {
                "branches" => new { schoolId = school, name = "Matrix branch" },
                "academic-years" => new { schoolId = school, name = "2040/41", startDate = "2040-09-01", endDate = "2041-07-20" },
                "terms" => new
                {
                    academicYearId = await Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests.CreateAsync(admin, "academic-years",
                        new { schoolId = school, name = "2040/41", startDate = "2040-09-01", endDate = "2041-07-20" }),
                    name = "Autumn",
                    startDate = "2040-09-01",
                    endDate = "2040-12-20",
                },
                "rooms" => new { schoolId = school, name = "Matrix room", capacity = 20 },
                "periods" => new { schoolId = school, name = "Period 1", order = 1, startTime = "09:00", endTime = "10:00" },
                "departments" => (object)new { schoolId = school, name = "Matrix department", code = "MTX" },
                "attendance-codes" => new { schoolId = school, code = "X", name = "Matrix code", category = "absent", authorised = true },
                "behaviour-types" => new { schoolId = school, name = "Matrix type", polarity = "negative", defaultSeverity = 2, defaultPoints = 1 },
                "behaviour-rules" => new { schoolId = school, name = "Matrix rule", measure = "incidents", threshold = 3, windowDays = 7, action = "alert" },
                _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
            };
        }

        /// <summary>
        /// Two sections of one course and term, and a student of their school: enrolled in the first (its enrolment id),
        /// or not enrolled anywhere.
        /// </summary>
        public async Task<(int Enrollment, int OtherSection, int Student)> EnrollmentAsync(bool enrolled = true)
        {
            using var admin = await app.AdminClientAsync();
            var setup = await Lyceum.IntegrationTests.Modules.Schools.SectionsTests.SetUpAsync(app, admin);
            var first = await Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests.CreateAsync(admin, "sections",
                new { courseId = setup.Course, termId = setup.Autumn, teacherId = setup.Teacher, name = "Matrix A" });
            var second = await Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests.CreateAsync(admin, "sections",
                new { courseId = setup.Course, termId = setup.Autumn, teacherId = setup.Teacher, name = "Matrix B" });
            var student = await NewStudentAsync(app, "Matrix", "Enrolled", school: setup.School);
            if (!enrolled)
            {
                return (0, second, student.Id);
            }

            var row = new Lyceum.Modules.Academics.Enrollment { StudentId = student.Id, SectionId = first, EnrolledOn = new DateOnly(2031, 9, 1) };
            await app.InsertAsync(row);
            return (row.Id, second, student.Id);
        }

        private Task<int> DepartmentOfAsync(int course) => app.QueryAsync(db => db.Courses.Where(c => c.Id == course).Select(c => c.DepartmentId).SingleAsync());

        /// <summary>A fresh record of <paramref name="route"/> made by the administrator: its id, ETag and a valid PUT body.</summary>
        public async Task<(int Id, string ETag, object Body)> StructureAsync(string route)
        {
            var body = await StructureBodyAsync(route);
            using var admin = await app.AdminClientAsync();
            using var response = await admin.PostAsJsonAsync($"/api/v1/{route}", body);
            var created = await response.JsonAsync(HttpStatusCode.Created);
            return (created["id"]!.GetValue<int>(), response.Headers.ETag!.Tag, body);
        }

        public async Task<object> RollForwardBodyAsync()
        {
            using var admin = await app.AdminClientAsync();
            var school = await Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests.NewSchoolAsync(admin);
            var year = await Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests.CreateAsync(admin, "academic-years",
                new { schoolId = school, name = "Next year", startDate = Iso(Today.AddDays(30)), endDate = Iso(Today.AddDays(360)) });
            return new { schoolId = school, academicYearId = year };
        }

        // A year that starts within the weeks in which students may be moved into it.
        private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

        private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The demo school's live positive type: praise sets off no rule.</summary>
        public async Task<int> PraiseTypeAsync()
        {
            var school = await DemoSchoolAsync();
            return await app.QueryAsync(db => db.BehaviourTypes
                .Where(t => t.SchoolId == school && t.ArchivedAt == null && t.Polarity == Lyceum.Modules.Behaviour.BehaviourPolarity.Positive)
                .OrderBy(t => t.Id).Select(t => t.Id).FirstAsync());
        }

        public async Task<object> IncidentBodyAsync() =>
            new { studentIds = new[] { (await OtherStudentAsync()).Id }, typeId = await PraiseTypeAsync(), location = "Matrix" };

        /// <summary>An incident of a fresh "other" student, logged by the administrator: its id, ETag and type.</summary>
        public async Task<(int Id, string ETag, int Type)> OtherIncidentAsync()
        {
            var type = await PraiseTypeAsync();
            using var admin = await app.AdminClientAsync();
            using var response = await admin.PostAsJsonAsync("/api/v1/incidents", new { studentIds = new[] { (await OtherStudentAsync()).Id }, typeId = type });
            var created = await response.JsonAsync(HttpStatusCode.Created);
            return (created["id"]!.GetValue<int>(), response.Headers.ETag!.Tag, type);
        }

        /// <summary>A detention for a fresh "other" student with a fresh supervisor, on a school day years ahead.</summary>
        public async Task<object> DetentionBodyAsync() => new
        {
            studentId = (await OtherStudentAsync()).Id,
            date = "2031-10-01",
            startTime = "15:30",
            durationMinutes = 30,
            supervisorId = await Lyceum.IntegrationTests.Modules.Schools.SectionsTests.NewStaffAsync(app, await DemoSchoolAsync(), "Matrix", "Supervisor"),
            reason = "Matrix",
        };

        public async Task<int> OtherDetentionAsync()
        {
            using var admin = await app.AdminClientAsync();
            using var response = await admin.PostAsJsonAsync("/api/v1/detentions", await DetentionBodyAsync());
            return (await response.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
        }

        /// <summary>
        /// A class of a fresh school (its own teacher, one fresh student) with a gradebook set up by the administrator:
        /// a Tests category with a test out of 20 (the student unmarked), an empty category, and the school's percentage
        /// scale; the test and the term grades published when asked.
        /// </summary>
        public async Task<OtherGradebook> OtherGradebookAsync(bool published = false)
        {
            using var admin = await app.AdminClientAsync();
            var setup = await Lyceum.IntegrationTests.Modules.Schools.SectionsTests.SetUpAsync(app, admin);
            var section = await Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests.CreateAsync(admin, "sections",
                new { courseId = setup.Course, termId = setup.Autumn, teacherId = setup.Teacher, name = "Matrix gradebook" });
            var student = await NewStudentAsync(app, "Matrix", "Graded", school: setup.School);
            await app.InsertAsync(new Lyceum.Modules.Academics.Enrollment { StudentId = student.Id, SectionId = section, EnrolledOn = new DateOnly(2031, 9, 1) });
            using var category = await admin.PostAsJsonAsync($"/api/v1/sections/{section}/grade-categories", new { name = "Tests", weight = 50 });
            var categoryId = (await category.JsonAsync(Created))["id"]!.GetValue<int>();
            using var empty = await admin.PostAsJsonAsync($"/api/v1/sections/{section}/grade-categories", new { name = "Empty", weight = 50 });
            using var assessment = await admin.PostAsJsonAsync($"/api/v1/sections/{section}/assessments", new { title = "Matrix test", date = "2031-10-01", maxPoints = 20, categoryId });
            var assessmentId = (await assessment.JsonAsync(Created))["id"]!.GetValue<int>();
            if (published)
            {
                using var mark = await admin.PutAsJsonAsync($"/api/v1/sections/{section}/marks", new { marks = new[] { new { assessmentId, studentId = student.Id, points = 10 } } });
                await mark.JsonAsync();
                using var publishMarks = await admin.PostAsync($"/api/v1/assessments/{assessmentId}/publish", null);
                await publishMarks.JsonAsync();
                using var publishGrades = await admin.PostAsync($"/api/v1/sections/{section}/term-grades/publish", null);
                await publishGrades.JsonAsync();
            }

            var scale = await app.QueryAsync(db => db.GradeScales.Where(s => s.SchoolId == setup.School && s.Name == "Percentage").Select(s => s.Id).SingleAsync());
            return new OtherGradebook(section, student.Id, categoryId, category.Headers.ETag!.Tag, (await empty.JsonAsync(Created))["id"]!.GetValue<int>(),
                assessmentId, assessment.Headers.ETag!.Tag, scale);
        }

        /// <summary>A valid new percentage scale of a fresh school.</summary>
        public async Task<object> ScaleBodyAsync()
        {
            using var admin = await app.AdminClientAsync();
            return new { schoolId = await Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests.NewSchoolAsync(admin), name = "Matrix scale", kind = "percentage", decimals = 1 };
        }

        /// <summary>A fresh scale no gradebook uses, made by the administrator: its id, ETag and a valid PUT body.</summary>
        public async Task<(int Id, string ETag, object Body)> ScaleAsync()
        {
            var body = await ScaleBodyAsync();
            using var admin = await app.AdminClientAsync();
            using var response = await admin.PostAsJsonAsync("/api/v1/grading-scales", body);
            var created = await response.JsonAsync(Created);
            return (created["id"]!.GetValue<int>(), response.Headers.ETag!.Tag, body);
        }

        /// <summary>A rate of the demo school for a fresh student, inserted as the administrator would set it.</summary>
        public async Task<int> OtherRateAsync()
        {
            var student = await OtherStudentAsync();
            var rate = new Lyceum.Modules.Tutoring.TutoringRate { SchoolId = student.SchoolId, StudentId = student.Id, HourlyRate = 20m };
            await app.InsertAsync(rate);
            return rate.Id;
        }

        /// <summary>
        /// A fresh family of the demo school (a student and a guardian without a sign-in) with one completed, priced
        /// session, billed on an invoice that stands as given: a draft, sent (numbered far above the school's counter) or
        /// void (its session free again).
        /// </summary>
        public async Task<(int Invoice, int Line, int Guardian)> OtherInvoiceAsync(Lyceum.Modules.Tutoring.InvoiceStatus status = Lyceum.Modules.Tutoring.InvoiceStatus.Draft)
        {
            var student = await OtherStudentAsync();
            var guardian = new Lyceum.Modules.Students.Guardian { SchoolId = student.SchoolId, FirstName = "Matrix", LastName = "Payer" };
            await app.InsertAsync(guardian);
            await app.InsertAsync(new Lyceum.Modules.Students.StudentGuardian
            {
                StudentId = student.Id,
                GuardianId = guardian.Id,
                Relationship = Lyceum.Modules.Students.Relationship.Father,
                HasParentalResponsibility = true,
                ContactPriority = 1,
            });
            var tutor = await app.QueryAsync(db => db.Staff.Where(s => s.SchoolId == student.SchoolId).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());
            var start = new DateTime(2020, 1, 6, 15, 0, 0, DateTimeKind.Utc);
            var place = new Lyceum.Modules.Tutoring.TutoringSessionStudent { StudentId = student.Id, Rate = 30m, Amount = 30m };
            await app.InsertAsync(new Lyceum.Modules.Tutoring.TutoringSession
            {
                SchoolId = student.SchoolId,
                TutorId = tutor,
                Subject = "Matrix",
                StartUtc = start,
                EndUtc = start.AddHours(1),
                TimeZone = "Europe/London",
                Status = Lyceum.Modules.Tutoring.SessionStatus.Completed,
                Students = [place],
            });
            var line = new Lyceum.Modules.Tutoring.InvoiceLine
            {
                Position = 1,
                SessionStudentId = place.Id,
                StudentId = student.Id,
                Date = DateOnly.FromDateTime(start),
                Description = "Matrix",
                Hours = 1,
                Rate = 30m,
                Amount = 30m,
            };
            var sent = status != Lyceum.Modules.Tutoring.InvoiceStatus.Draft;
            var invoice = new Lyceum.Modules.Tutoring.Invoice
            {
                SchoolId = student.SchoolId,
                GuardianId = guardian.Id,
                Status = status,
                Currency = "EUR",
                PeriodFrom = new DateOnly(2020, 1, 1),
                PeriodTo = new DateOnly(2020, 1, 31),
                Total = 30m,
                Number = sent ? Random.Shared.Next(1_000_000, int.MaxValue) : null,
                IssuedOn = sent ? new DateOnly(2020, 2, 1) : null,
                DueOn = sent ? new DateOnly(2020, 2, 15) : null,
                VoidReason = status == Lyceum.Modules.Tutoring.InvoiceStatus.Void ? "Matrix" : null,
                Lines = [line],
            };
            await app.InsertAsync(invoice);
            if (status != Lyceum.Modules.Tutoring.InvoiceStatus.Void)
            {
                await app.QueryAsync(db => db.TutoringSessionStudents.Where(l => l.Id == place.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.InvoiceLineId, line.Id)));
            }

            return (invoice.Id, line.Id, guardian.Id);
        }

        /// <summary>A fresh tutor (no sign-in) and a fresh student of the demo school.</summary>
        public async Task<(int Tutor, int Student)> TutorAndStudentAsync() => (await NewStaffAsync(), (await OtherStudentAsync()).Id);

        /// <summary>A scheduled session of a fresh tutor with a fresh student, years ahead (so it clashes with nothing).</summary>
        public async Task<int> OtherSessionAsync()
        {
            var (tutor, student) = await TutorAndStudentAsync();
            var start = new DateTime(2035, 1, 3, 16, 0, 0, DateTimeKind.Utc);
            var session = new Lyceum.Modules.Tutoring.TutoringSession
            {
                SchoolId = await DemoSchoolAsync(),
                TutorId = tutor,
                Subject = "Matrix",
                StartUtc = start,
                EndUtc = start.AddHours(1),
                TimeZone = "Europe/London",
                Students = [new Lyceum.Modules.Tutoring.TutoringSessionStudent { StudentId = student }],
            };
            await app.InsertAsync(session);
            return session.Id;
        }

        public async Task<int> NewStaffAsync() =>
            await Lyceum.IntegrationTests.Modules.Schools.SectionsTests.NewStaffAsync(app, await DemoSchoolAsync(), "Matrix", "Invitee");

        public async Task<Guid> NewUserAsync()
        {
            var (email, _) = await app.CreateUserAsync(RoleNames.Teacher);
            return await app.UserIdAsync(email);
        }
    }
}
