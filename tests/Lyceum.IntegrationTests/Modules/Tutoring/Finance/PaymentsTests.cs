using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Tutoring.Finance.FinanceWorld;

namespace Lyceum.IntegrationTests.Modules.Tutoring.Finance;

/// <summary>Payments and balances: partial payments, never more than owed, idempotent on clientId; a guardian sees only their own.</summary>
[Collection("app")]
public sealed class PaymentsTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task Partial_payments_add_up_to_paid_a_retry_records_nothing_more_and_overpaying_is_refused(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Payer");
        var (family, parent) = await w.GuardianAsync(app, "Payer", [ann]);
        using var parentClient = parent!;
        await w.CompletedSessionAsync(app, 11, 120, 50m, ann);
        var invoice = Id(For(await w.GenerateAsync(admin), family));

        await (await PayAsync(admin, invoice, 10m)).ProblemAsync(HttpStatusCode.Conflict); // a draft
        await SendAsync(admin, invoice);

        var clientId = Guid.NewGuid();
        using var first = await PayAsync(admin, invoice, 40m, clientId);
        var payment = await first.JsonAsync(HttpStatusCode.Created);
        using var retry = await PayAsync(admin, invoice, 40m, clientId);
        var replayed = await retry.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(Id(payment), Id(replayed));

        foreach (var (amount, field) in new[] { (60.01m, "amount"), (0m, "amount"), (-5m, "amount"), (1.001m, "amount") })
        {
            await (await PayAsync(admin, invoice, amount)).ProblemAsync(HttpStatusCode.BadRequest, field);
        }

        await (await PayAsync(admin, invoice, 5m, paidOn: "2099-01-01")).ProblemAsync(HttpStatusCode.BadRequest, "paidOn");
        await (await admin.PostAsJsonAsync($"/api/v1/invoices/{invoice}/payments", new { amount = 5m, paidOn = "2031-01-01", method = "gold" })).ProblemAsync(HttpStatusCode.BadRequest, "method");
        await (await admin.PostAsync($"/api/v1/invoices/{invoice}/payments", Http.Json("{\"amount\":5,\"paidOn\":\"01/02/2031\",\"method\":\"cash\"}"))).ProblemAsync(HttpStatusCode.BadRequest, "paidOn");
        await (await PayAsync(admin, 999999, 5m)).ProblemAsync(HttpStatusCode.NotFound);

        var view = await (await admin.GetAsync($"/api/v1/invoices/{invoice}")).JsonAsync();
        Assert.Equal(("sent", 40m, 60m), (view["status"]!.GetValue<string>(), view["paid"]!.GetValue<decimal>(), view["balance"]!.GetValue<decimal>()));
        var balance = await (await parentClient.GetAsync($"/api/v1/guardians/{family}/balance")).JsonAsync();
        Assert.Equal(60m, balance["balances"]![0]!["outstanding"]!.GetValue<decimal>());
        Assert.Equal("GBP", balance["balances"]![0]!["currency"]!.GetValue<string>());

        using var rest = await PayAsync(admin, invoice, 60m, Guid.NewGuid());
        await rest.JsonAsync(HttpStatusCode.Created);
        var paid = await (await admin.GetAsync($"/api/v1/invoices/{invoice}")).JsonAsync();
        Assert.Equal(("paid", 100m, 0m, 2), (paid["status"]!.GetValue<string>(), paid["paid"]!.GetValue<decimal>(), paid["balance"]!.GetValue<decimal>(), paid["payments"]!.AsArray().Count));
        var problem = await (await PayAsync(admin, invoice, 0.01m)).ProblemAsync(HttpStatusCode.BadRequest, "amount");
        Assert.Contains("paid", problem["errors"]!["amount"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, await app.QueryAsync(db => db.Payments.CountAsync(p => p.InvoiceId == invoice)));
        Assert.Empty((await (await parentClient.GetAsync($"/api/v1/guardians/{family}/balance")).JsonAsync())["balances"]!.AsArray());
        await (await admin.PostAsJsonAsync($"/api/v1/invoices/{invoice}/void", new { reason = "x" })).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory, AllProviders]
    public async Task Concurrent_payments_never_add_up_to_more_than_is_owed(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Racing");
        var (family, _) = await w.GuardianAsync(app, "Racing", [ann], signsIn: false);
        await w.CompletedSessionAsync(app, 12, 60, 50m, ann);
        var invoice = Id(For(await w.GenerateAsync(admin), family));
        await SendAsync(admin, invoice);

        // Eight payments of 10 against 50 owed, and each sent twice with its clientId.
        var ids = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToList();
        var results = await Task.WhenAll(ids.Concat(ids).Select(async id =>
        {
            using var client = await app.AdminClientAsync();
            using var response = await PayAsync(client, invoice, 10m, id);
            return response.StatusCode;
        }));

        Assert.All(results, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.BadRequest }));
        var stored = await app.QueryAsync(db => db.Payments.Where(p => p.InvoiceId == invoice).Select(p => p.Amount).ToListAsync());
        Assert.Equal(5, stored.Count);
        var invoiceRow = await app.QueryAsync(db => db.Invoices.AsNoTracking().SingleAsync(i => i.Id == invoice));
        Assert.Equal(50m, invoiceRow.Paid);
        Assert.Equal(Lyceum.Modules.Tutoring.InvoiceStatus.Paid, invoiceRow.Status);
    }

    [Theory, AllProviders]
    public async Task A_guardian_sees_only_their_own_familys_invoices_and_balance(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Mine");
        var bob = await w.StudentAsync(app, "Bob", "Theirs");
        var (mine, mineClient) = await w.GuardianAsync(app, "Mine", [ann]);
        var (theirs, theirsClient) = await w.GuardianAsync(app, "Theirs", [bob]);
        using var me = mineClient!;
        using var them = theirsClient!;
        await w.CompletedSessionAsync(app, 13, 60, 30m, ann, bob);
        var generated = await w.GenerateAsync(admin);
        var myInvoice = Id(For(generated, mine));
        var theirInvoice = Id(For(generated, theirs));
        await SendAsync(admin, myInvoice);
        await SendAsync(admin, theirInvoice);

        var list = await (await me.GetAsync($"/api/v1/invoices?guardianId={theirs}")).JsonAsync();
        Assert.Empty(list["items"]!.AsArray());
        Assert.Equal([myInvoice], (await (await me.GetAsync("/api/v1/invoices")).JsonAsync())["items"]!.AsArray().Select(i => Id(i!)));
        await (await me.GetAsync($"/api/v1/invoices/{theirInvoice}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await me.GetAsync($"/api/v1/guardians/{theirs}/balance")).ProblemAsync(HttpStatusCode.NotFound);
        await (await me.PostAsync($"/api/v1/invoices/{myInvoice}/send", null)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await PayAsync(me, myInvoice, 1m)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await me.GetAsync($"/api/v1/tutoring/revenue?schoolId={w.School}")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(30m, (await (await me.GetAsync($"/api/v1/guardians/{mine}/balance")).JsonAsync())["balances"]![0]!["outstanding"]!.GetValue<decimal>());
        Assert.Equal(30m, (await (await admin.GetAsync($"/api/v1/guardians/{theirs}/balance")).JsonAsync())["balances"]![0]!["outstanding"]!.GetValue<decimal>());
    }
}
