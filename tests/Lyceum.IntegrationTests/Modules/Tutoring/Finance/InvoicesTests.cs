using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Tutoring;
using Lyceum.Modules.Tutoring.Finance;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Tutoring.Finance.FinanceWorld;

namespace Lyceum.IntegrationTests.Modules.Tutoring.Finance;

/// <summary>Invoices through /api/v1/invoices: drafts per family, sending with gapless numbers, immutability, void and re-issue.</summary>
[Collection("app")]
public sealed class InvoicesTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task Generating_makes_one_draft_per_family_with_siblings_together_and_running_it_again_makes_none(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Sibling");
        var ben = await w.StudentAsync(app, "Ben", "Sibling");
        var cal = await w.StudentAsync(app, "Cal", "Other");
        var orphan = await w.StudentAsync(app, "Dot", "Alone");
        var (family, _) = await w.GuardianAsync(app, "Sibling", [ann, ben], signsIn: false);
        // A second contact of the siblings, without parental responsibility: not the one billed.
        await w.GuardianAsync(app, "Neighbour", [ann, ben], signsIn: false, priority: 1, responsibility: false);
        var (other, _) = await w.GuardianAsync(app, "Other", [cal], signsIn: false);
        var group = await w.CompletedSessionAsync(app, 6, 60, 30m, ann, ben, cal);
        var later = await w.CompletedSessionAsync(app, 14, 90, 20m, ann);
        await w.CompletedSessionAsync(app, 15, 60, 30m, orphan);
        // Outside the period, and a session that is not completed: neither is billed.
        await w.CompletedSessionAsync(app, 31, 60, 30m, ann);
        await app.QueryAsync(db => db.TutoringSessions.Where(s => s.SchoolId == w.School && s.StartUtc.Day == 31).ExecuteUpdateAsync(s => s.SetProperty(x => x.StartUtc, new DateTime(2031, 11, 3, 15, 0, 0, DateTimeKind.Utc))));
        var scheduled = await w.CompletedSessionAsync(app, 20, 60, null, ann);
        await app.QueryAsync(db => db.TutoringSessionStudents.Where(l => l.Id == scheduled[0]).Select(l => l.Session!).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SessionStatus.Scheduled)));

        var generated = await w.GenerateAsync(admin);

        Assert.Equal(2, generated["created"]!.AsArray().Count);
        var siblings = For(generated, family);
        Assert.Equal("draft", siblings["status"]!.GetValue<string>());
        Assert.Null(siblings["number"]);
        Assert.Equal("GBP", siblings["currency"]!.GetValue<string>());
        Assert.Equal(90m, siblings["total"]!.GetValue<decimal>());
        Assert.Equal([("Ann Sibling", 30m), ("Ben Sibling", 30m), ("Ann Sibling", 30m)],
            siblings["lines"]!.AsArray().Select(l => (l!["student"]!.GetValue<string>(), l["amount"]!.GetValue<decimal>())));
        Assert.Equal(1.5m, siblings["lines"]![2]!["hours"]!.GetValue<decimal>());
        Assert.Equal(30m, For(generated, other)["total"]!.GetValue<decimal>());
        Assert.Equal("Dot Alone", Assert.Single(generated["skipped"]!.AsArray())!["name"]!.GetValue<string>());
        var linked = await app.QueryAsync(db => db.TutoringSessionStudents.Where(l => group.Contains(l.Id) || later.Contains(l.Id))
            .Select(l => new { l.Id, l.InvoiceLineId, Line = db.InvoiceLines.Where(x => x.Id == l.InvoiceLineId).Select(x => x.SessionStudentId).FirstOrDefault() }).ToListAsync());
        Assert.All(linked, l => Assert.Equal(l.Id, l.Line));

        var again = await w.GenerateAsync(admin);
        Assert.Empty(again["created"]!.AsArray());
        Assert.Equal(2, await app.QueryAsync(db => db.Invoices.CountAsync(i => i.SchoolId == w.School)));
    }

    [Theory, AllProviders]
    public async Task Sessions_without_a_price_are_priced_when_billed_if_a_rate_now_matches(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Unpriced");
        var (family, _) = await w.GuardianAsync(app, "Unpriced", [ann], signsIn: false);
        await w.CompletedSessionAsync(app, 7, 45, null, ann);

        var before = await w.GenerateAsync(admin);
        Assert.Empty(before["created"]!.AsArray());
        Assert.Equal(1, before["unpriced"]!.GetValue<int>());

        await (await admin.PostAsJsonAsync("/api/v1/tutoring/rates", new { schoolId = w.School, tutorId = w.Tutor, hourlyRate = 40m })).JsonAsync(HttpStatusCode.Created);
        var after = await w.GenerateAsync(admin);
        Assert.Equal(30m, For(after, family)["total"]!.GetValue<decimal>());
        Assert.Equal(40m, For(after, family)["lines"]![0]!["rate"]!.GetValue<decimal>());
    }

    [Theory, AllProviders]
    public async Task Sending_numbers_invoices_in_order_notifies_the_guardian_and_a_sent_invoice_never_changes(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Sent");
        var bob = await w.StudentAsync(app, "Bob", "Sent");
        var (annFamily, parent) = await w.GuardianAsync(app, "Sent", [ann]);
        using var parentClient = parent!;
        var (bobFamily, _) = await w.GuardianAsync(app, "Bobs", [bob], signsIn: false);
        await w.CompletedSessionAsync(app, 8, 60, 25m, ann, bob);
        var generated = await w.GenerateAsync(admin);
        var first = Id(For(generated, annFamily));
        var second = Id(For(generated, bobFamily));

        // A draft may still change.
        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/invoices/{first}") { Content = JsonContent.Create(new { notes = "Thank you", dueOn = "2031-12-01" }) };
        Assert.Equal("Thank you", (await (await admin.SendAsync(edit)).JsonAsync())["notes"]!.GetValue<string>());
        // A guardian never sees a draft.
        await (await parentClient.GetAsync($"/api/v1/invoices/{first}")).ProblemAsync(HttpStatusCode.NotFound);

        var sentSecond = await SendAsync(admin, second);
        var sentFirst = await SendAsync(admin, first);
        var repeated = await SendAsync(admin, first);

        Assert.Equal(1, sentSecond["number"]!.GetValue<int>());
        Assert.Equal(2, sentFirst["number"]!.GetValue<int>());
        Assert.Equal("INV-000002", sentFirst["displayNumber"]!.GetValue<string>());
        Assert.Equal("2031-12-01", sentFirst["dueOn"]!.GetValue<string>());
        Assert.NotNull(sentFirst["issuedOn"]);
        Assert.Equal(2, repeated["number"]!.GetValue<int>());
        Assert.Equal(3, await app.QueryAsync(db => db.InvoiceCounters.Where(c => c.SchoolId == w.School).Select(c => c.NextNumber).SingleAsync()));
        Assert.Equal(2, await app.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Type == FinanceEvents.InvoiceIssued && m.SchoolId == w.School)));
        var notifications = await (await parentClient.GetAsync("/api/v1/notifications")).JsonAsync();
        Assert.Contains(notifications["items"]!.AsArray(), n => n!["title"]!.GetValue<string>().Contains("INV-000002", StringComparison.Ordinal));

        // Sent: immutable. Lines, notes, due date, deletion: 409 with a clear problem; nothing changes.
        var stored = await app.QueryAsync(db => db.Invoices.AsNoTracking().Include(i => i.Lines).SingleAsync(i => i.Id == first));
        var change = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/invoices/{first}") { Content = JsonContent.Create(new { notes = "Changed", dueOn = "2031-12-24" }) };
        var problem = await (await admin.SendAsync(change)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("never changes", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await admin.DeleteAsync($"/api/v1/invoices/{first}/lines/{stored.Lines[0].Id}")).ProblemAsync(HttpStatusCode.Conflict);
        await (await admin.DeleteAsync($"/api/v1/invoices/{first}")).ProblemAsync(HttpStatusCode.Conflict);
        var after = await app.QueryAsync(db => db.Invoices.AsNoTracking().Include(i => i.Lines).SingleAsync(i => i.Id == first));
        Assert.Equal((stored.Notes, stored.DueOn, stored.Total, stored.Lines.Count, stored.Version), (after.Notes, after.DueOn, after.Total, after.Lines.Count, after.Version));

        // The guardian now reads it, its PDF too.
        var mine = await (await parentClient.GetAsync("/api/v1/invoices")).JsonAsync();
        Assert.Equal([first], mine["items"]!.AsArray().Select(i => Id(i!)));
        using var pdf = await parentClient.GetAsync($"/api/v1/invoices/{first}/pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync())[..4], StringComparison.Ordinal);
        await (await parentClient.GetAsync($"/api/v1/invoices/{second}/pdf")).ProblemAsync(HttpStatusCode.NotFound);
        await (await parentClient.GetAsync($"/api/v1/invoices/{second}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task Concurrent_sends_take_consecutive_numbers_without_gaps_or_duplicates(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var students = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            var student = await w.StudentAsync(app, $"S{i}", "Racer");
            await w.GuardianAsync(app, $"Racer{i}", [student], signsIn: false);
            students.Add(student);
        }

        await w.CompletedSessionAsync(app, 9, 60, 20m, [.. students]);
        var drafts = (await w.GenerateAsync(admin))["created"]!.AsArray().Select(i => Id(i!)).ToList();
        Assert.Equal(12, drafts.Count);

        // Every draft sent twice at once from separate clients: 24 racing requests.
        var clients = Enumerable.Range(0, 4).Select(_ => app.AdminClientAsync()).ToList();
        var sends = drafts.Concat(drafts).Select(async (id, i) =>
        {
            var client = await clients[i % clients.Count];
            using var response = await client.PostAsync($"/api/v1/invoices/{id}/send", null);
            return (await response.JsonAsync())["number"]!.GetValue<int>();
        });
        await Task.WhenAll(sends);

        var numbers = await app.QueryAsync(db => db.Invoices.Where(i => i.SchoolId == w.School).Select(i => i.Number!.Value).OrderBy(n => n).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 12), numbers);
        Assert.Equal(13, await app.QueryAsync(db => db.InvoiceCounters.Where(c => c.SchoolId == w.School).Select(c => c.NextNumber).SingleAsync()));
        Assert.Equal(12, await app.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Type == FinanceEvents.InvoiceIssued && m.SchoolId == w.School)));
        foreach (var client in clients)
        {
            (await client).Dispose();
        }
    }

    [Theory, AllProviders]
    public async Task Voiding_frees_the_sessions_keeps_the_number_and_a_reissue_bills_them_again(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Voided");
        var (family, _) = await w.GuardianAsync(app, "Voided", [ann], signsIn: false);
        var places = await w.CompletedSessionAsync(app, 10, 60, 30m, ann);
        var draft = Id(For(await w.GenerateAsync(admin), family));
        await SendAsync(admin, draft);

        await (await admin.PostAsJsonAsync($"/api/v1/invoices/{draft}/void", new { reason = " " })).ProblemAsync(HttpStatusCode.BadRequest, "reason");
        var voided = await (await admin.PostAsJsonAsync($"/api/v1/invoices/{draft}/void", new { reason = "Wrong rate" })).JsonAsync();
        Assert.Equal("void", voided["status"]!.GetValue<string>());
        Assert.Equal(1, voided["number"]!.GetValue<int>());
        Assert.Equal(0m, voided["balance"]!.GetValue<decimal>());
        Assert.Null(await app.QueryAsync(db => db.TutoringSessionStudents.Where(l => l.Id == places[0]).Select(l => l.InvoiceLineId).SingleAsync()));
        await (await admin.PostAsJsonAsync($"/api/v1/invoices/{draft}/payments", new { amount = 1m, paidOn = "2031-01-01", method = "cash" })).ProblemAsync(HttpStatusCode.Conflict);

        // The rate was wrong: set the right one, re-issue.
        await (await admin.PostAsJsonAsync("/api/v1/tutoring/rates", new { schoolId = w.School, hourlyRate = 35m })).JsonAsync(HttpStatusCode.Created);
        using var reissue = await admin.PostAsync($"/api/v1/invoices/{draft}/reissue", null);
        var replacement = await reissue.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(draft, replacement["replacesId"]!.GetValue<int>());
        Assert.Equal(35m, replacement["total"]!.GetValue<decimal>());
        await (await admin.PostAsync($"/api/v1/invoices/{draft}/reissue", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(Id(replacement), (await (await admin.GetAsync($"/api/v1/invoices/{draft}")).JsonAsync())["replacedById"]!.GetValue<int>());
        Assert.Empty((await w.GenerateAsync(admin))["created"]!.AsArray());

        var sent = await SendAsync(admin, Id(replacement));
        Assert.Equal(2, sent["number"]!.GetValue<int>());

        // A draft is deleted, never voided; deleting it frees its sessions.
        await (await admin.PostAsJsonAsync($"/api/v1/invoices/{Id(replacement)}/void", new { reason = "again" })).JsonAsync();
        var second = await (await admin.PostAsync($"/api/v1/invoices/{Id(replacement)}/reissue", null)).JsonAsync(HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync($"/api/v1/invoices/{Id(second)}/void", new { reason = "a draft" })).ProblemAsync(HttpStatusCode.Conflict);
        using var deleted = await admin.DeleteAsync($"/api/v1/invoices/{Id(second)}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(await app.QueryAsync(db => db.TutoringSessionStudents.Where(l => l.Id == places[0]).Select(l => l.InvoiceLineId).SingleAsync()));
    }

    [Theory, AllProviders]
    public async Task Bad_invoice_requests_are_refused_with_the_field_or_status_and_nothing_is_stored(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var other = await FinanceWorld.CreateAsync(app, admin);
        var (stranger, _) = await other.GuardianAsync(app, "Elsewhere", [], signsIn: false);

        (string Json, string Field)[] cases =
        [
            ($"{{\"schoolId\":{w.School},\"from\":\"2031-10-01\"}}", "to"),
            ($"{{\"schoolId\":{w.School},\"from\":\"2031-10-31\",\"to\":\"2031-10-01\"}}", "to"),
            ($"{{\"schoolId\":{w.School},\"from\":\"2030-01-01\",\"to\":\"2031-10-01\"}}", "to"),
            ($"{{\"schoolId\":{w.School},\"from\":\"2031-02-30\",\"to\":\"2031-10-01\"}}", "from"),
            ($"{{\"schoolId\":{w.School},\"from\":\"yesterday\",\"to\":\"2031-10-01\"}}", "from"),
            ($"{{\"from\":\"2031-10-01\",\"to\":\"2031-10-31\"}}", "schoolId"),
            ($"{{\"schoolId\":{w.School},\"from\":\"2031-10-01\",\"to\":\"2031-10-31\",\"guardianId\":{stranger}}}", "guardianId"),
            ($"{{\"schoolId\":{w.School},\"from\":\"2031-10-01\",\"to\":\"2031-10-31\",\"extra\":1}}", "extra"),
        ];
        foreach (var (json, field) in cases)
        {
            using var response = await admin.PostAsync("/api/v1/invoices/generate", Http.Json(json));
            await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        }

        await (await admin.GetAsync("/api/v1/invoices/999999")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsync("/api/v1/invoices/999999/send", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsJsonAsync("/api/v1/invoices/999999/void", new { reason = "x" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync("/api/v1/invoices/999999")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/invoices?status=unpaid")).ProblemAsync(HttpStatusCode.BadRequest, "status");
        await (await admin.GetAsync("/api/v1/invoices?from=2031-13-01")).ProblemAsync(HttpStatusCode.BadRequest, "from");
        await (await admin.GetAsync("/api/v1/invoices?sort=total")).ProblemAsync(HttpStatusCode.BadRequest, "sort");
        Assert.Equal(0, await app.QueryAsync(db => db.Invoices.CountAsync(i => i.SchoolId == w.School)));
    }
}
