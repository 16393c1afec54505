using Lyceum.Modules.Messaging.Email;
using Lyceum.Modules.Messaging.Notifications;
using Lyceum.Modules.Messaging.Preferences;
using Lyceum.Modules.Messaging.Sms;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Lyceum.Platform.Startup;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Lyceum.Modules.Messaging.Dispatch;

/// <summary>
/// Delivers the outbox, on every node that has <see cref="MessagingSettings.Dispatch"/> on. Two steps, each safe with
/// several nodes:
/// <list type="number">
/// <item>Fan-out: an event not yet dispatched becomes one <see cref="Delivery"/> per recipient and channel that
/// recipient wants. The node that sets <see cref="OutboxMessage.DispatchedAt"/> (a conditional update) writes them, in
/// the same transaction; the unique (notification, channel) index makes a second writer fail rather than duplicate.
/// The recipients' bells are updated once it commits.</item>
/// <item>Sending: due deliveries are leased (a conditional update, so one node holds each), sent, and their outcome
/// recorded by the lease holder: sent, a later retry with doubling waits, or the dead-letter list after
/// <see cref="MessagingSettings.MaxAttempts"/> or a final refusal. A node that dies mid-send leaves its lease to
/// expire; the next holder sends again with the same key (the mail's Message-ID, the gateway's Idempotency-Key).</item>
/// </list>
/// </summary>
public sealed partial class OutboxDispatcher(
    IDbContextFactory<LyceumDbContext> contexts,
    StartupState startup,
    TimeProvider clock,
    OutboxSignal signal,
    MessagingSettings settings,
    IMailTransport mail,
    MailSettings mailSettings,
    MailComposer composer,
    ISmsSender sms,
    IUnreadCountPush push,
    SiteAddress site,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    /// <summary>This node's name in the attempt log.</summary>
    public static readonly string Node = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Dispatch)
        {
            return;
        }

        while (!startup.IsReady)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), clock, stoppingToken);
        }

        var poll = TimeSpan.FromSeconds(settings.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await RunOnceAsync(stoppingToken))
                {
                    await signal.WaitAsync(poll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be away for a moment; nothing is lost, the next round starts over from it.
                LogRoundFailed(logger, ex);
                await Task.Delay(poll, clock, stoppingToken);
            }
        }
    }

    /// <summary>One round: fan out new events, then send what is due. True when a batch was full (more may wait).</summary>
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        var fanned = await FanOutAsync(cancellationToken);
        var sent = await SendDueAsync(cancellationToken);
        return fanned >= settings.BatchSize || sent >= settings.BatchSize;
    }

    private async Task<int> FanOutAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = await db.OutboxMessages.Where(o => o.DispatchedAt == null)
            .OrderBy(o => o.Id).Take(settings.BatchSize)
            .Select(o => new { o.Id, o.EventId, o.Type, o.SchoolId, o.Channels })
            .ToListAsync(cancellationToken);
        var timeZones = new Dictionary<int, TimeZoneInfo>();
        var bells = new HashSet<Guid>();
        foreach (var message in events)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await db.OutboxMessages.Where(o => o.Id == message.Id && o.DispatchedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.DispatchedAt, now), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }

            var notifications = await db.Notifications.Where(n => n.EventId == message.EventId)
                .Select(n => new { n.Id, n.UserId }).ToListAsync(cancellationToken);
            var users = notifications.Select(n => n.UserId).Distinct().ToList();
            var type = NotificationTypes.OfEvent(message.Type);
            var channels = await NotificationPreferencesHandler.ChannelsAsync(db, type, users, cancellationToken);
            var digests = await db.NotificationSettings.Where(s => users.Contains(s.UserId) && s.DailyDigest)
                .ToDictionaryAsync(s => s.UserId, s => s.DigestHour, cancellationToken);
            var zone = await TimeZoneAsync(db, message.SchoolId, timeZones, cancellationToken);
            foreach (var notification in notifications)
            {
                // A sender's choice (a broadcast) stands over preferences and is not held for a digest.
                var chosen = message.Channels?.Split(',');
                var wanted = chosen is null ? channels[notification.UserId] : new ChannelSet(true, chosen.Contains("email"), chosen.Contains("sms"));
                if (wanted.InApp)
                {
                    bells.Add(notification.UserId);
                }

                if (wanted.Email)
                {
                    var due = chosen is null && digests.TryGetValue(notification.UserId, out var hour) ? NextDigest(now, hour, zone) : now;
                    db.Deliveries.Add(New(notification.Id, notification.UserId, DeliveryChannel.Email, due, digest: due != now, now));
                }

                if (wanted.Sms)
                {
                    db.Deliveries.Add(New(notification.Id, notification.UserId, DeliveryChannel.Sms, now, digest: false, now));
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        if (bells.Count > 0)
        {
            await push.PushAsync(bells, cancellationToken);
        }

        return events.Count;
    }

    private async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lease = Guid.NewGuid();
        var until = now.AddSeconds(settings.LeaseSeconds);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

        var due = db.Deliveries.Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LeasedUntil == null || d.LeasedUntil < now));
        var single = await due.Where(d => !d.Digest).OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id)
            .Select(d => d.Id).Take(settings.BatchSize).ToListAsync(cancellationToken);
        var free = db.Deliveries.Where(d => d.Status == DeliveryStatus.Pending && (d.LeasedUntil == null || d.LeasedUntil < now));
        var leased = single.Count == 0 ? 0 : await free.Where(d => single.Contains(d.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseId, lease).SetProperty(d => d.LeasedUntil, until), cancellationToken);

        // A digest goes out whole: every held item of that account and hour, leased together.
        var groups = await due.Where(d => d.Digest).Select(d => new { d.UserId, d.DueAt }).Distinct()
            .Take(Math.Max(1, settings.BatchSize / 10)).ToListAsync(cancellationToken);
        foreach (var group in groups)
        {
            leased += await free.Where(d => d.Digest && d.UserId == group.UserId && d.DueAt == group.DueAt)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseId, lease).SetProperty(d => d.LeasedUntil, until), cancellationToken);
        }

        if (leased == 0)
        {
            return 0;
        }

        var rows = await db.Deliveries.Where(d => d.LeaseId == lease).Include(d => d.Notification).ToListAsync(cancellationToken);
        var recipients = await Recipients.FindAsync(db, [.. rows.Select(r => r.UserId).Distinct()], cancellationToken);
        var eventIds = rows.Select(r => r.Notification!.EventId).Distinct().ToList();
        var schoolOf = await db.OutboxMessages.Where(o => eventIds.Contains(o.EventId))
            .ToDictionaryAsync(o => o.EventId, o => o.SchoolId, cancellationToken);
        var schoolIds = schoolOf.Values.OfType<int>().Distinct().ToList();
        var schools = await db.Schools.Where(s => schoolIds.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, s => new Sender(s.Name, s.Email), cancellationToken);
        var fallback = schools.Count == 1 ? schools.Values.First()
            : await db.Schools.OrderBy(s => s.Id).Select(s => new Sender(s.Name, s.Email)).FirstOrDefaultAsync(cancellationToken) ?? new Sender("Lyceum", null);
        Sender SenderOf(Delivery d) => schoolOf.GetValueOrDefault(d.Notification!.EventId) is { } school && schools.TryGetValue(school, out var s) ? s : fallback;

        var work = new Round(db, rows, lease, until, clock, settings, logger);
        try
        {
            await SendMailAsync(work, rows.Where(r => r.Channel == DeliveryChannel.Email).ToList(), recipients, SenderOf, cancellationToken);
            await SendTextsAsync(work, rows.Where(r => r.Channel == DeliveryChannel.Sms).ToList(), recipients, SenderOf, cancellationToken);
            await work.ReleaseRestAsync();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: what was not recorded is left to its lease, and sent again (same key) after it expires.
            throw;
        }

        return leased;
    }

    private async Task SendMailAsync(
        Round work, List<Delivery> rows, IReadOnlyDictionary<Guid, Recipient> recipients, Func<Lyceum.Modules.Messaging.Delivery, Sender> senderOf, CancellationToken cancellationToken)
    {
        var units = new List<(List<Delivery> Rows, Func<Task<MimeMessage>> Compose)>();
        var address = site.Current;
        foreach (var row in rows.Where(r => !r.Digest))
        {
            var n = row.Notification!;
            if (recipients.GetValueOrDefault(row.UserId) is not { Email: { Length: > 0 } email } to)
            {
                await work.SkipAsync([row], "The account has no e-mail address.");
                continue;
            }

            var sender = senderOf(row);
            var envelope = new MailEnvelope(to.Name, email, sender.Name, sender.Email, MessageId($"{n.EventId:N}.{n.UserId:N}.email"));
            units.Add(([row], () => composer.NotificationAsync(envelope, Item(n, address), address)));
        }

        foreach (var digest in rows.Where(r => r.Digest).GroupBy(r => (r.UserId, r.DueAt)))
        {
            var group = digest.OrderBy(r => r.Notification!.CreatedAt).ToList();
            if (recipients.GetValueOrDefault(digest.Key.UserId) is not { Email: { Length: > 0 } email } to)
            {
                await work.SkipAsync(group, "The account has no e-mail address.");
                continue;
            }

            var sender = senderOf(group[0]);
            var envelope = new MailEnvelope(to.Name, email, sender.Name, sender.Email, MessageId($"digest.{digest.Key.UserId:N}.{digest.Key.DueAt:yyyyMMddHHmm}"));
            units.Add((group, () => composer.DigestAsync(envelope, [.. group.Select(r => Item(r.Notification!, address))], address)));
        }

        if (units.Count == 0)
        {
            return;
        }

        IMailConnection connection;
        try
        {
            connection = await mail.ConnectAsync(cancellationToken);
        }
        catch (DeliveryException ex)
        {
            // The channel is down: every mail of the round waits for its next try, nothing is lost.
            LogChannelDown(logger, "e-mail", ex.Message);
            await work.RecordAsync([.. units.SelectMany(u => u.Rows)], ex);
            return;
        }

        await using (connection)
        {
            for (var i = 0; i < units.Count; i++)
            {
                var (unitRows, compose) = units[i];
                if (!await work.KeepLeaseAsync())
                {
                    break;
                }

                try
                {
                    var message = await compose();
                    await connection.SendAsync(message, cancellationToken);
                    await work.RecordAsync(unitRows, null, message.To.Mailboxes.FirstOrDefault()?.Address);
                }
                catch (DeliveryException ex) when (ex.ConnectionLost)
                {
                    // The server went away mid-round: the rest would each wait out a timeout to fail the same way.
                    LogChannelDown(logger, "e-mail", ex.Message);
                    await work.RecordAsync([.. units.Skip(i).SelectMany(u => u.Rows)], ex);
                    break;
                }
                catch (DeliveryException ex)
                {
                    await work.RecordAsync(unitRows, ex);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A mail that cannot be built (a template fault) is tried again, then dead-lettered, like any other.
                    LogComposeFailed(logger, ex);
                    await work.RecordAsync(unitRows, new DeliveryException($"The mail could not be built: {ex.Message}", inner: ex));
                }
            }
        }
    }

    private async Task SendTextsAsync(
        Round work, List<Delivery> rows, IReadOnlyDictionary<Guid, Recipient> recipients, Func<Lyceum.Modules.Messaging.Delivery, Sender> senderOf, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            if (!await work.KeepLeaseAsync())
            {
                break;
            }

            var n = row.Notification!;
            if (recipients.GetValueOrDefault(row.UserId) is not { Phone: { Length: > 0 } phone })
            {
                await work.SkipAsync([row], "The account has no phone number.");
                continue;
            }

            if (!sms.IsConfigured)
            {
                LogNoGateway(logger, PhoneMask.Mask(phone), row.Id, n.Title);
                await work.SkipAsync([row], NoGatewaySmsSender.Reason);
                continue;
            }

            try
            {
                var text = $"{senderOf(row).Name}: {n.Title}";
                if (n.Link is { } link && text.Length + link.Length < 300)
                {
                    text += " " + new Uri(site.Current, link.TrimStart('/'));
                }
                else if (n.Link is null && n.Body is { Length: > 0 } body)
                {
                    // Nothing to open (a broadcast): the text carries the words themselves, up to four SMS parts.
                    text = Outbox.Clip($"{text} — {body}", 600)!;
                }

                await sms.SendAsync(new SmsMessage(phone, text, $"{n.EventId:N}.{n.UserId:N}.sms"), cancellationToken);
                await work.RecordAsync([row], null, phone);
            }
            catch (DeliveryException ex)
            {
                await work.RecordAsync([row], ex, phone);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A gateway setting or a link that cannot be used: recorded and retried like any failure, so one bad
                // text never holds up the others.
                await work.RecordAsync([row], new DeliveryException($"The text could not be sent: {ex.Message}", inner: ex), phone);
            }
        }
    }

    /// <summary>A Message-ID from the delivery's key, at the sender address's domain.</summary>
    private string MessageId(string key) =>
        $"{key}@{(MailboxAddress.TryParse(mailSettings.From, out var from) && from.Domain is { Length: > 0 } domain ? domain : "lyceum.local")}";

    private static MailItem Item(Notification n, Uri site) =>
        new(n.Title, n.Body, n.Link is { Length: > 0 } link ? new Uri(site, link.TrimStart('/')).ToString() : null, n.CreatedAt);

    private static Delivery New(long notification, Guid user, DeliveryChannel channel, DateTime due, bool digest, DateTime now) => new()
    {
        NotificationId = notification,
        UserId = user,
        Channel = channel,
        Digest = digest,
        DueAt = due,
        NextAttemptAt = due,
        CreatedAt = now,
    };

    /// <summary>The next <paramref name="hour"/>:00 in the school's time zone after <paramref name="now"/>, in UTC.</summary>
    public static DateTime NextDigest(DateTime now, int hour, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(now, zone);
        var at = local.Date.AddHours(hour);
        if (at <= local)
        {
            at = at.AddDays(1);
        }

        return zone.IsInvalidTime(at) ? TimeZoneInfo.ConvertTimeToUtc(at.AddHours(1), zone) : TimeZoneInfo.ConvertTimeToUtc(at, zone);
    }

    private static async Task<TimeZoneInfo> TimeZoneAsync(LyceumDbContext db, int? schoolId, Dictionary<int, TimeZoneInfo> known, CancellationToken cancellationToken)
    {
        if (schoolId is not { } id)
        {
            return TimeZoneInfo.Utc;
        }

        if (!known.TryGetValue(id, out var zone))
        {
            var name = await db.Schools.Where(s => s.Id == id).Select(s => s.TimeZone).FirstOrDefaultAsync(cancellationToken);
            known[id] = zone = name is not null && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var found) ? found : TimeZoneInfo.Utc;
        }

        return zone;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A dispatch round failed; the next starts over.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A notification e-mail could not be built.")]
    private static partial void LogComposeFailed(ILogger logger, Exception exception);

    // The log-only default: the text is in the log (as the embedded default's mails are in its folder), the number masked.
    [LoggerMessage(Level = LogLevel.Information, Message = "SMS to {To} not sent, no SMS gateway configured (delivery {Delivery} skipped): {Text}")]
    private static partial void LogNoGateway(ILogger logger, string to, long delivery, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Channel} channel is down ({Reason}); its deliveries wait for their next try.")]
    private static partial void LogChannelDown(ILogger logger, string channel, string reason);

    private sealed record Sender(string Name, string? Email);
}
