using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Students;
using Lyceum.Modules.Students.EditStudent;
using Lyceum.Platform.Access;
using Lyceum.Platform.Audit;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Platform.Audit;

/// <summary>Every insert, update and delete is in the trail, whichever path made it, and the trail itself never changes.</summary>
[Collection("app")]
public sealed class AuditTrailTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task An_edit_through_the_api_records_who_when_the_changed_columns_and_the_correlation_id(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Audit", "Before");
        var started = DateTime.UtcNow.AddSeconds(-5);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{student.Id}")
        {
            Content = JsonContent.Create(ValidEdit("Audit", "After")),
        };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{student.Version:N}\"");
        request.Headers.Add("X-Correlation-Id", "audit-edit-42");
        (await admin.SendAsync(request)).EnsureSuccessStatusCode();

        var trail = await (await admin.GetAsync($"/api/v1/audit?entity=Student&entityId={student.Id}")).JsonAsync();

        var rows = trail["items"]!.AsArray();
        Assert.Equal(["update", "insert"], rows.Select(r => r!["action"]!.GetValue<string>()));
        var update = rows[0]!;
        Assert.Equal(LyceumApp.AdminEmail, update["actor"]!.GetValue<string>());
        Assert.Equal((await app.UserIdAsync(LyceumApp.AdminEmail)).ToString(), update["actorId"]!.GetValue<string>());
        Assert.Equal("audit-edit-42", update["correlationId"]!.GetValue<string>());
        Assert.InRange(update["at"]!.GetValue<DateTime>().ToUniversalTime(), started, DateTime.UtcNow.AddSeconds(5));
        var changes = update["changes"]!.AsObject();
        Assert.Equal("Before", changes["lastName"]!["before"]!.GetValue<string>());
        Assert.Equal("After", changes["lastName"]!["after"]!.GetValue<string>());
        // Only what changed; never the housekeeping columns.
        Assert.DoesNotContain("firstName", changes.Select(c => c.Key));
        Assert.DoesNotContain("version", changes.Select(c => c.Key));
        Assert.DoesNotContain("updatedAt", changes.Select(c => c.Key));
        Assert.DoesNotContain("searchText", changes.Select(c => c.Key));
        // The insert, made by the test straight through the DbContext, is the system's.
        Assert.Equal("system", rows[1]!["actor"]!.GetValue<string>());
        Assert.Equal("Audit", rows[1]!["changes"]!["firstName"]!["after"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task A_change_made_directly_through_a_handler_is_recorded_with_the_ambient_actor(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var student = await NewStudentAsync(app, "Handler", "Before");
        var adminId = await app.UserIdAsync(LyceumApp.AdminEmail);
        await using var scope = app.Services.CreateAsyncScope();
        var access = scope.ServiceProvider.GetRequiredService<AccessService>();
        var caller = await access.CallerAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", adminId.ToString())], "test")), default);

        using (AuditActor.Begin(new AuditActor(adminId, "handler-test@lyceum.test", "handler-corr")))
        {
            var result = await scope.ServiceProvider.GetRequiredService<EditStudentHandler>().HandleAsync(
                caller, student.Id, student.Version,
                new EditStudentRequest("Handler", "After", null, new DateOnly(2012, 3, 14), Gender.Male, 9, "9Z", null, null, null),
                default);
            Assert.True(result.IsSuccess);
        }

        var row = await app.QueryAsync(db => db.AuditEntries
            .Where(e => e.Entity == "Student" && e.EntityId == student.Id.ToString() && e.Action == AuditAction.Update)
            .SingleAsync());
        Assert.Equal(("handler-test@lyceum.test", adminId, "handler-corr"), (row.Actor, row.ActorId!.Value, row.CorrelationId!));
        Assert.Contains("\"lastName\":{\"before\":\"Before\",\"after\":\"After\"}", row.Changes, StringComparison.Ordinal);
        Assert.Contains("\"gender\":{\"before\":\"unspecified\",\"after\":\"male\"}", row.Changes, StringComparison.Ordinal);
    }

    [Theory, AllProviders]
    public async Task Deletes_keep_the_values_before_and_secrets_show_only_that_they_changed(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var student = await NewStudentAsync(app, "Short", "Lived");
        await app.QueryAsync(async db =>
        {
            db.Students.Remove(await db.Students.SingleAsync(s => s.Id == student.Id));
            return await db.SaveChangesAsync();
        });
        var (email, password) = await app.CreateUserAsync(RoleNames.Student);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<LyceumUser>>();
            var user = await users.FindByEmailAsync(email);
            var reset = await users.ChangePasswordAsync(user!, password, "another-long-password");
            Assert.True(reset.Succeeded);
        }

        var delete = await app.QueryAsync(db => db.AuditEntries
            .SingleAsync(e => e.Entity == "Student" && e.EntityId == student.Id.ToString() && e.Action == AuditAction.Delete));
        Assert.Contains("\"lastName\":{\"before\":\"Lived\",\"after\":null}", delete.Changes, StringComparison.Ordinal);
        var userId = (await app.UserIdAsync(email)).ToString();
        var passwordChange = await app.QueryAsync(db => db.AuditEntries
            .Where(e => e.Entity == "User" && e.EntityId == userId && e.Action == AuditAction.Update)
            .OrderByDescending(e => e.Id).FirstAsync());
        Assert.Contains($"\"passwordHash\":{{\"before\":\"{AuditInterceptor.Redacted}\",\"after\":\"{AuditInterceptor.Redacted}\"}}", passwordChange.Changes, StringComparison.Ordinal);
        var hash = await app.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.PasswordHash).SingleAsync());
        Assert.DoesNotContain(hash!, await app.QueryAsync(db => db.AuditEntries.Where(e => e.EntityId == userId).Select(e => e.Changes).ToListAsync()));
    }

    [Theory, AllProviders]
    public async Task A_failed_save_leaves_neither_the_change_nor_a_trail_row(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var existing = await NewStudentAsync(app, "First", "Holder");
        var before = await app.QueryAsync(db => db.AuditEntries.CountAsync());

        var duplicate = new Student
        {
            SchoolId = existing.SchoolId,
            StudentNumber = existing.StudentNumber, // unique per school
            FirstName = "Second",
            LastName = "Holder",
            DateOfBirth = new DateOnly(2012, 1, 1),
            YearGroup = 9,
            AdmittedOn = new DateOnly(2023, 9, 1),
        };
        await Assert.ThrowsAsync<DbUpdateException>(() => app.InsertAsync(duplicate, new Student
        {
            SchoolId = existing.SchoolId,
            StudentNumber = $"T{Guid.NewGuid():N}"[..12],
            FirstName = "Would",
            LastName = "BeRolledBack",
            DateOfBirth = new DateOnly(2012, 1, 1),
            YearGroup = 9,
            AdmittedOn = new DateOnly(2023, 9, 1),
        }));

        Assert.Equal(before, await app.QueryAsync(db => db.AuditEntries.CountAsync()));
        Assert.False(await app.QueryAsync(db => db.Students.AnyAsync(s => s.LastName == "BeRolledBack")));
    }

    [Theory, AllProviders]
    public async Task When_the_trail_cannot_be_written_the_change_is_rolled_back_on_both_save_paths(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        await RefuseTrailRowsOfAsync(app, "refuse-me");
        var student = await NewStudentAsync(app, "Kept", "AsItWas");

        using (AuditActor.Begin(new AuditActor(null, "refuse-me")))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => app.QueryAsync(async db =>
            {
                (await db.Students.SingleAsync(s => s.Id == student.Id)).LastName = "ChangedAsync";
                return await db.SaveChangesAsync();
            }));
            Assert.ThrowsAny<Exception>(() => app.QueryAsync(db =>
            {
                db.Students.Single(s => s.Id == student.Id).LastName = "ChangedSync";
                return Task.FromResult(db.SaveChanges());
            }).GetAwaiter().GetResult());
        }

        Assert.Equal("AsItWas", await app.QueryAsync(db => db.Students.Where(s => s.Id == student.Id).Select(s => s.LastName).SingleAsync()));
        Assert.Equal(1, await app.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Entity == "Student" && e.EntityId == student.Id.ToString())));
    }

    [Theory, AllProviders]
    public async Task The_synchronous_save_and_a_forced_update_are_recorded_too(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var student = await NewStudentAsync(app, "Sync", "Saved");

        await app.QueryAsync(db =>
        {
            db.Students.Single(s => s.Id == student.Id).LastName = "SyncChanged";
            return Task.FromResult(db.SaveChanges());
        });
        // Attached and marked modified as a whole, as an update from a detached copy does: the row is rewritten.
        student.FirstName = "Forced";
        student.LastName = "SyncChanged";
        student.Version = await app.QueryAsync(db => db.Students.Where(s => s.Id == student.Id).Select(s => s.Version).SingleAsync());
        await app.QueryAsync(db =>
        {
            db.Students.Update(student);
            return db.SaveChangesAsync();
        });

        var rows = await app.QueryAsync(db => db.AuditEntries
            .Where(e => e.Entity == "Student" && e.EntityId == student.Id.ToString() && e.Action == AuditAction.Update)
            .OrderBy(e => e.Id).Select(e => e.Changes).ToListAsync());
        Assert.Equal(2, rows.Count);
        Assert.Contains("\"lastName\":{\"before\":\"Saved\",\"after\":\"SyncChanged\"}", rows[0], StringComparison.Ordinal);
        Assert.Contains("\"firstName\":", rows[1], StringComparison.Ordinal);
        Assert.Contains("Forced", rows[1], StringComparison.Ordinal);
    }

    private static Task RefuseTrailRowsOfAsync(LyceumApp app, string actor) => app.QueryAsync(db => db.Database.ExecuteSqlRawAsync(
        app.Provider == DatabaseProvider.PostgreSql
            ? $$"""
              CREATE OR REPLACE FUNCTION test_refuse_actor() RETURNS trigger LANGUAGE plpgsql AS $f$
              BEGIN IF NEW."Actor" = '{{actor}}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $f$;
              DROP TRIGGER IF EXISTS test_refuse_actor ON "AuditEntries";
              CREATE TRIGGER test_refuse_actor BEFORE INSERT ON "AuditEntries" FOR EACH ROW EXECUTE FUNCTION test_refuse_actor();
              """
            : $$"""
              CREATE TRIGGER IF NOT EXISTS test_refuse_actor BEFORE INSERT ON "AuditEntries" WHEN NEW."Actor" = '{{actor}}'
              BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
              """));

    [Theory, AllProviders]
    public async Task The_trail_is_append_only_even_for_sql_that_bypasses_the_app(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var rows = await app.QueryAsync(db => db.AuditEntries.CountAsync());
        var first = await app.QueryAsync(db => db.AuditEntries.OrderBy(e => e.Id).FirstAsync());

        await Assert.ThrowsAnyAsync<Exception>(() => app.QueryAsync(db =>
            db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "Actor" = 'forged' WHERE "Id" = {0}""", first.Id)));
        await Assert.ThrowsAnyAsync<Exception>(() => app.QueryAsync(db =>
            db.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" WHERE "Id" = {0}""", first.Id)));
        await Assert.ThrowsAnyAsync<Exception>(() => app.QueryAsync(db => db.AuditEntries.ExecuteDeleteAsync()));
        if (provider == DatabaseProvider.PostgreSql)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => app.QueryAsync(db => db.Database.ExecuteSqlRawAsync("""TRUNCATE "AuditEntries" """)));
        }

        Assert.Equal(rows, await app.QueryAsync(db => db.AuditEntries.CountAsync()));
        Assert.Equal(first.Actor, await app.QueryAsync(db => db.AuditEntries.Where(e => e.Id == first.Id).Select(e => e.Actor).SingleAsync()));
    }

    [Theory, AllProviders]
    public async Task The_trail_filters_by_entity_actor_and_time_newest_first(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (email, _) = await app.CreateUserAsync(RoleNames.Student);
        var userId = await app.UserIdAsync(email);
        // A moderator of this test's own: the demo moderator's trail grows with every other test of the shared app, and
        // past a page its newest and oldest entries are different pages.
        var (moderatorEmail, moderatorPassword) = await app.CreateUserAsync(RoleNames.Moderator);
        using var moderatorToken = app.ClientWithToken(await app.TokenAsync(moderatorEmail, moderatorPassword));
        var moderatorId = await app.UserIdAsync(moderatorEmail);
        var student = await NewStudentAsync(app, "Filter", "Me");
        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{student.Id}") { Content = JsonContent.Create(ValidEdit("Filter", "Moderated")) };
        edit.Headers.TryAddWithoutValidation("If-Match", $"\"{student.Version:N}\"");
        (await moderatorToken.SendAsync(edit)).EnsureSuccessStatusCode();

        var byActor = await (await admin.GetAsync($"/api/v1/audit?actorId={moderatorId}&pageSize=100")).JsonAsync();
        Assert.NotEmpty(byActor["items"]!.AsArray());
        Assert.All(byActor["items"]!.AsArray(), r => Assert.Equal(moderatorId.ToString(), r!["actorId"]!.GetValue<string>()));
        var ids = byActor["items"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(ids.OrderDescending(), ids);

        var oldestFirst = await (await admin.GetAsync($"/api/v1/audit?actorId={moderatorId}&pageSize=100&sort=at")).JsonAsync();
        Assert.Equal(ids.Order(), oldestFirst["items"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()));
        // Entity names in any case; a "to" date includes that whole day.
        var sameDay = await (await admin.GetAsync($"/api/v1/audit?entity=student&entityId={student.Id}&from={DateTime.UtcNow:yyyy-MM-dd}&to={DateTime.UtcNow:yyyy-MM-dd}")).JsonAsync();
        Assert.Equal(["update", "insert"], sameDay["items"]!.AsArray().Select(r => r!["action"]!.GetValue<string>()));

        var future = await (await admin.GetAsync($"/api/v1/audit?from={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}")).JsonAsync();
        Assert.Equal(0, future["totalCount"]!.GetValue<int>());
        var today = await (await admin.GetAsync($"/api/v1/audit?entity=User&entityId={userId}&from={DateTime.UtcNow.AddHours(-1):O}&to={DateTime.UtcNow.AddHours(1):O}")).JsonAsync();
        Assert.Contains(today["items"]!.AsArray(), r => r!["action"]!.GetValue<string>() == "insert");
        Assert.Equal(0, (await (await admin.GetAsync($"/api/v1/audit?entity=User&entityId={userId}&to=2000-01-01")).JsonAsync())["totalCount"]!.GetValue<int>());
    }

    public static TheoryData<DatabaseProvider, string, string> BadFilters()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, "actorId=not-a-guid", "actorId");
            data.Add(provider, "from=yesterday", "from");
            data.Add(provider, "to=2026-13-45", "to");
            data.Add(provider, "from=2026-02-01&to=2026-01-01", "to");
            data.Add(provider, $"entity={new string('e', 101)}", "entity");
            data.Add(provider, "entity=' OR 1=1 --", "entity");
            data.Add(provider, "entity=Student&entityId=%3Cscript%3E' OR 1=1 --", "q-none");
            data.Add(provider, "entityId=a%00b", "entityId");
            data.Add(provider, $"entityId={new string('1', 301)}", "entityId");
            data.Add(provider, "pageSize=1000", "pageSize");
            data.Add(provider, "sort=actor", "sort");
        }

        return data;
    }

    [Theory, MemberData(nameof(BadFilters))]
    public async Task Bad_filters_are_a_400_at_the_field(DatabaseProvider provider, string query, string field)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();

        using var response = await admin.GetAsync($"/api/v1/audit?{query}");

        if (field == "q-none")
        {
            // Hostile text is just a value that matches nothing.
            Assert.Equal(0, (await response.JsonAsync())["totalCount"]!.GetValue<int>());
            return;
        }

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
    }
}
