using System.Diagnostics;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Messaging;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Xunit.Abstractions;

namespace Lyceum.IntegrationTests.Modules.Messaging;

/// <summary>
/// The dispatcher's crash promise, with the real binary: a node killed outright (SIGKILL, no shutdown) in the middle of
/// a long dispatch, and a new one started on the same database, between them send every mail, and send again only
/// what may have been in flight at the kill, under its own Message-ID.
/// </summary>
[Collection("app")]
public sealed class DispatchCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Mails = 400;
    private const int Accounts = 20;

    /// <summary>
    /// Mid-way through the second batch of 100: by then some deliveries are sent and recorded, the rest of that batch
    /// is leased to the node and not yet sent, and the later events are not even fanned out.
    /// </summary>
    private const int KillAfter = 150;

    /// <summary>A node sends over one SMTP connection, one mail after another and recording each before the next.</summary>
    private const int InFlightAtMost = 1;

    private readonly string _workDir = Directory.CreateTempSubdirectory("lyceum-crash-").FullName;

    [Theory, AllProviders]
    public async Task A_node_killed_mid_dispatch_loses_nothing_and_sends_nothing_twice(DatabaseProvider provider)
    {
        var clock = Stopwatch.StartNew();
        await using var smtp = await TestSmtpServer.StartAsync();
        // A slow mail server stretches the dispatch to several seconds, so the kill lands inside it.
        smtp.Delay = TimeSpan.FromMilliseconds(15);
        await using var database = await TestDatabase.CreateAsync(provider);
        var environment = Environment(database, smtp);
        AppProcess? first = null;
        AppProcess? second = null;
        try
        {
            first = AppProcess.StartServer(environment, _workDir);
            // Two cold starts of a real process, migrations included: generous under a loaded CI machine.
            await first.WaitUntilReadyAsync(seconds: 180);
            var ready1 = clock.Elapsed;
            var expected = await WriteEventsAsync(database);

            await smtp.WaitAsync(m => m.Count >= KillAfter, seconds: 120);
            var killAt = clock.Elapsed;
            Process.GetProcessById(first.Id).Kill(); // SIGKILL: no shutdown, no lease released, nothing flushed.
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
            // A mail whose data was already sent may still be being stored: let it land before counting.
            var closing = Stopwatch.StartNew();
            while (smtp.OpenSessions > 0)
            {
                Assert.True(closing.Elapsed < TimeSpan.FromSeconds(30), "The dead node's SMTP session is still open.");
                await Task.Delay(50);
            }

            var atKill = smtp.Received;
            var leasedAtKill = await QueryAsync(database, db => db.Deliveries
                .Where(d => d.Status == DeliveryStatus.Pending && d.LeaseId != null).Select(d => d.Id).ToListAsync());
            var sentAtKill = await QueryAsync(database, db => db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Sent));
            var undispatchedAtKill = await QueryAsync(database, db => db.OutboxMessages.CountAsync(o => o.DispatchedAt == null));

            Assert.Equal(137, first.ExitCode); // 128 + SIGKILL
            Assert.InRange(atKill.Count, 1, Mails - 1);
            Assert.NotEmpty(leasedAtKill);

            second = AppProcess.StartServer(environment, _workDir);
            await second.WaitUntilReadyAsync(seconds: 180);
            var ready2 = clock.Elapsed;
            var deadline = DateTime.UtcNow.AddSeconds(120);
            int sent;
            while ((sent = await QueryAsync(database, db => db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Sent))) < Mails
                   || !expected.IsSubsetOf(smtp.Received.Select(IdOf)))
            {
                Assert.True(DateTime.UtcNow < deadline, $"After the restart {sent} of {Mails} deliveries are sent and the server has {smtp.Received.Count} mails.\n{second.Output}");
                await Task.Delay(200);
            }

            // Every delivery is recorded as sent, so nothing more is sent; a last mail being stored has time to land.
            await Task.Delay(500);
            var received = smtp.Received;
            var deliveries = await QueryAsync(database, db => db.Deliveries.Include(d => d.AttemptLog).ToListAsync());
            var copies = received.GroupBy(IdOf).ToDictionary(g => g.Key, g => g.Count());
            var twice = copies.Where(c => c.Value > 1).Select(c => c.Key).ToList();
            output.WriteLine(
                $"{provider}: killed after {atKill.Count} mails ({sentAtKill} recorded as sent, {leasedAtKill.Count} leased and unsent, " +
                $"{undispatchedAtKill} events not fanned out); after the restart {received.Count} mails for {Mails} deliveries, " +
                $"{twice.Count} sent twice; {clock.Elapsed.TotalSeconds:0.0} s (ready {ready1.TotalSeconds:0.0}, kill {killAt.TotalSeconds:0.0}, ready again {ready2.TotalSeconds:0.0}).");

            // No loss: every expected Message-ID arrived, and every delivery is recorded as sent, once.
            Assert.True(expected.SetEquals(copies.Keys), $"Missing: {string.Join(", ", expected.Except(copies.Keys))}; unexpected: {string.Join(", ", copies.Keys.Except(expected))}");
            Assert.Equal(Mails, deliveries.Count);
            Assert.All(deliveries, d => Assert.Equal(DeliveryStatus.Sent, d.Status));
            Assert.All(deliveries, d => Assert.Single(d.AttemptLog, a => a.Succeeded));
            // The dead node's leased deliveries were taken over by the new node once the lease expired.
            var newNode = $"{System.Environment.MachineName}:{second.Id}";
            Assert.All(deliveries.Where(d => leasedAtKill.Contains(d.Id)), d => Assert.Equal(newNode, d.AttemptLog.Single(a => a.Succeeded).Node));

            // No duplicate beyond the in-flight one: a mail the server accepted just before the kill, before the node
            // recorded it, is sent again by the next lease holder, with the same Message-ID so that a receiving server
            // (or the reader) can drop it. Anything else, or a second copy under another key, would be a real duplicate.
            Assert.InRange(received.Count, Mails, Mails + InFlightAtMost);
            Assert.Equal(received.Count - Mails, twice.Count);
            Assert.All(twice, id => Assert.Equal(2, copies[id]));
            var beforeKill = atKill.Select(IdOf).ToHashSet();
            Assert.All(twice, id => Assert.Contains(id, beforeKill));
        }
        finally
        {
            if (first is not null)
            {
                await first.DisposeAsync();
            }

            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    /// <summary>
    /// Accounts with e-mail addresses, and <see cref="Mails"/> incidents among them with one notification each, saved
    /// together as a module's handler would. Returns the Message-ID each delivery's mail must carry.
    /// </summary>
    private static async Task<HashSet<string>> WriteEventsAsync(TestDatabase database)
    {
        await using var db = Context(database);
        var now = DateTime.UtcNow;
        var users = Enumerable.Range(1, Accounts).Select(i =>
        {
            var email = $"crash-{i}-{Guid.NewGuid():N}@example.org";
            return new LyceumUser
            {
                Id = Guid.NewGuid(),
                UserName = email,
                NormalizedUserName = email.ToUpperInvariant(),
                Email = email,
                NormalizedEmail = email.ToUpperInvariant(),
                DisplayName = $"Guardian {i}",
                SecurityStamp = Guid.NewGuid().ToString("N"),
                CreatedAt = now,
            };
        }).ToList();
        db.Users.AddRange(users);

        var expected = new HashSet<string>();
        for (var i = 0; i < Mails; i++)
        {
            var user = users[i % Accounts].Id;
            var eventId = Outbox.Add(db, now, EventTypes.Incident, new { i }, null, [new NotificationDraft(user, $"Incident {i}", null, null)]);
            expected.Add($"{eventId:N}.{user:N}.email@lyceum.local");
        }

        await db.SaveChangesAsync();
        return expected;
    }

    /// <summary>A mail without a Message-ID counts as one nobody expected.</summary>
    private static string IdOf(MimeMessage mail) => mail.MessageId ?? "(no Message-ID)";

    private static async Task<T> QueryAsync<T>(TestDatabase database, Func<LyceumDbContext, Task<T>> query)
    {
        await using var db = Context(database);
        return await query(db);
    }

    /// <summary>A context of this process on the child's database (no interceptors: the child polls for new events).</summary>
    private static LyceumDbContext Context(TestDatabase database)
    {
        var options = new DbContextOptionsBuilder<LyceumDbContext>();
        new DatabaseSettings(database.Provider, database.ConnectionString).Configure(options);
        return new LyceumDbContext(options.Options);
    }

    /// <summary>Fast polling and retries, and a short lease, so the restarted node takes over the dead one's leases within seconds.</summary>
    private static Dictionary<string, string> Environment(TestDatabase database, TestSmtpServer smtp)
    {
        var settings = new Dictionary<string, string>
        {
            ["Database__Provider"] = database.Provider.ToString(),
            ["ConnectionStrings__Lyceum"] = database.ConnectionString,
            ["Lyceum__Admin__Email"] = LyceumApp.AdminEmail,
            ["Lyceum__Admin__Password"] = LyceumApp.AdminPassword,
            ["Lyceum__Demo__Enabled"] = "false",
            ["Lyceum__Jwt__SigningKey"] = LyceumApp.SigningKey,
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning",
        };
        var messaging = new Dictionary<string, string?>(MessagingApps.FastRetries) { ["Lyceum:Messaging:LeaseSeconds"] = "3" };
        foreach (var (key, value) in messaging.Concat(smtp.Settings()))
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? string.Empty;
        }

        return settings;
    }
}
