using Lyceum.Modules.Messaging.Notifications;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Messaging.Threads;

/// <summary>
/// <c>Lyceum:RateLimits:*</c> for messaging, counted from the database so they hold across nodes: a sender's messages
/// per minute (a burst of 20 covers a busy teacher; a script gets 429), and broadcasts per hour.
/// </summary>
public sealed class MessageLimits
{
    public const string Section = "Lyceum:RateLimits";

    public int MessagesPerMinute { get; set; } = 20;

    public int BroadcastsPerHour { get; set; } = 10;

    /// <summary>
    /// How long until one more send fits when <paramref name="sent"/> (a sender's send times) already holds
    /// <paramref name="limit"/> within the <paramref name="window"/> before <paramref name="now"/>; null when it fits now.
    /// </summary>
    public static async Task<TimeSpan?> WaitAsync(IQueryable<DateTime> sent, int limit, TimeSpan window, DateTime now, CancellationToken cancellationToken)
    {
        var since = now - window;
        var recent = await sent.Where(at => at > since).OrderBy(at => at).Take(limit).ToListAsync(cancellationToken);
        return recent.Count < limit ? null : recent[0] - since;
    }
}

public sealed record Participant(Guid UserId, string Name, DateTime? LastReadAt);

/// <summary>One message; <see cref="ReadBy"/> (read receipts) lists the other participants who have read up to it.</summary>
public sealed record MessageView(long Id, Guid SenderId, string SenderName, string Body, DateTime SentAt, IReadOnlyList<string> ReadBy);

public sealed record ThreadView(long Id, string Subject, IReadOnlyList<Participant> Participants, IReadOnlyList<MessageView> Messages);

/// <summary>One conversation in the list; <see cref="With"/> is the others (not the caller), <see cref="LastFromMe"/> whether the newest message is the caller's.</summary>
public sealed record ThreadSummary(long Id, string Subject, IReadOnlyList<string> With, DateTime LastMessageAt, string LastSender, bool LastFromMe, string Preview, bool Unread);

public sealed record ThreadList(IReadOnlyList<ThreadSummary> Items, int Unread);

public sealed record NewThread(IReadOnlyList<Guid>? To, string? Subject, string? Body);

public sealed record NewMessage(string? Body);

/// <summary>
/// Direct messages: threads between accounts allowed to talk (<see cref="Audience"/>), replies, and read receipts.
/// Every message raises a <c>messaging.message-received</c> event for the other participants, so the bell, e-mail and
/// SMS follow each recipient's preferences like any other notification. Bodies are stored as typed and only ever
/// shown encoded.
/// </summary>
public sealed class MessagesHandler(IDbContextFactory<LyceumDbContext> contexts, TimeProvider clock, MessageLimits limits, IUnreadCountPush push)
{
    public const int MaxRecipients = 50;
    public const int MaxListed = 50;
    private const int PreviewLength = 280;

    public async Task<Result<IReadOnlyList<Contact>>> ContactsAsync(Caller caller, string? search, CancellationToken cancellationToken)
    {
        if (caller.UserId is null)
        {
            return new Error.Unauthorized("Sign in to write messages.");
        }

        var errors = new FieldErrors();
        TextInput.Check(errors, "q", search);
        errors.MaxLength("q", search, 100);
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var contacts = Audience.Contacts(db, caller);
        if (TextInput.Blank(search) is { } q)
        {
            var lower = q.ToLowerInvariant();
            contacts = contacts.Where(u => u.DisplayName.ToLower().Contains(lower) || (u.Email != null && u.Email.ToLower().Contains(lower)));
        }

        var found = await contacts.OrderBy(u => u.DisplayName).Take(20).Select(u => new Contact(u.Id, u.DisplayName)).ToListAsync(cancellationToken);
        return found;
    }

    public async Task<Result<ThreadList>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } me)
        {
            return new Error.Unauthorized("Sign in to see your messages.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mine = db.ThreadParticipants.Where(p => p.UserId == me);
        var rows = await mine
            .Join(db.MessageThreads, p => p.ThreadId, t => t.Id, (p, t) => new { Thread = t, p.LastReadAt })
            .OrderByDescending(x => x.Thread.LastMessageAt).ThenByDescending(x => x.Thread.Id)
            .Take(MaxListed)
            .Select(x => new
            {
                x.Thread.Id,
                x.Thread.Subject,
                x.Thread.LastMessageAt,
                x.LastReadAt,
                Last = db.Messages.Where(m => m.ThreadId == x.Thread.Id).OrderByDescending(m => m.Id)
                    .Select(m => new { m.Body, m.SenderId }).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var others = await db.ThreadParticipants.Where(p => ids.Contains(p.ThreadId))
            .Join(db.Users, p => p.UserId, u => u.Id, (p, u) => new { p.ThreadId, p.UserId, u.DisplayName })
            .ToListAsync(cancellationToken);
        var names = others.DistinctBy(o => o.UserId).ToDictionary(o => o.UserId, o => o.DisplayName);
        var unread = await mine.CountAsync(p => db.MessageThreads.Any(t => t.Id == p.ThreadId && (p.LastReadAt == null || t.LastMessageAt > p.LastReadAt)), cancellationToken);
        return new ThreadList(
            [.. rows.Select(r => new ThreadSummary(
                r.Id,
                r.Subject,
                [.. others.Where(o => o.ThreadId == r.Id && o.UserId != me).Select(o => o.DisplayName).Order()],
                r.LastMessageAt,
                r.Last is null ? string.Empty : names.GetValueOrDefault(r.Last.SenderId, "?"),
                r.Last?.SenderId == me,
                Preview(r.Last?.Body),
                r.LastReadAt is null || r.LastMessageAt > r.LastReadAt))],
            unread);
    }

    public async Task<Result<ThreadView>> GetAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } me)
        {
            return new Error.Unauthorized("Sign in to see your messages.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ViewAsync(db, id, me, cancellationToken) is { } view ? view : NotFound(id);
    }

    public async Task<Result<ThreadView>> StartAsync(Caller caller, NewThread request, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } me)
        {
            return new Error.Unauthorized("Sign in to write messages.");
        }

        var errors = new FieldErrors();
        var subject = request.Subject?.Trim();
        errors.Required("subject", subject);
        errors.MaxLength("subject", subject, MessageThread.SubjectMaxLength);
        CheckBody(errors, request.Body);
        var to = (request.To ?? []).Distinct().ToList();
        if (to.Count == 0)
        {
            errors.Add("to", "Choose at least one person to write to.");
        }
        else if (to.Count > MaxRecipients)
        {
            errors.Add("to", $"Write to at most {MaxRecipients} people at once; for more, send a broadcast.");
        }
        else if (to.Contains(me))
        {
            errors.Add("to", "You cannot write to yourself.");
        }
        else if (to.Count > 1 && !caller.GrantsOf(Permissions.MessagesSend).Any(g => g.Scope == Platform.Identity.AccessScope.School))
        {
            // Every participant may answer every other: a teacher's thread with two families would let each family
            // write to the other, whom neither may reach. Only the office (a school-wide grant) starts group threads.
            errors.Add("to", "Write to one person at a time: only the office starts a conversation with several people.");
        }

        if (subject is not null && subject.Any(c => c is '\r' or '\n'))
        {
            errors.Add("subject", "The subject must fit on one line.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var outside = await Audience.OutsideAsync(db, caller, to, cancellationToken);
        if (outside.Count > 0)
        {
            var sent = request.To!.ToList();
            foreach (var user in outside)
            {
                errors.Add($"to[{sent.IndexOf(user)}]", "You may not write to this person: they are not among the people you can message.");
            }

            return errors.ToError();
        }

        if (await TooManyAsync(db, me, cancellationToken) is { } tooMany)
        {
            return tooMany;
        }

        // The thread and its first message are saved together: a client gone between the two leaves neither.
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var thread = new MessageThread { Subject = subject!, StartedById = me, StartedAt = now, LastMessageAt = now };
        thread.Participants.AddRange([new ThreadParticipant { UserId = me, LastReadAt = now }, .. to.Select(u => new ThreadParticipant { UserId = u })]);
        db.MessageThreads.Add(thread);
        await db.SaveChangesAsync(CancellationToken.None);
        await AddMessageAsync(db, caller, thread, request.Body!, to, now, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        await push.PushAsync(to, CancellationToken.None);
        return (await ViewAsync(db, thread.Id, me, CancellationToken.None))!;
    }

    public async Task<Result<MessageView>> ReplyAsync(Caller caller, long id, NewMessage request, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } me)
        {
            return new Error.Unauthorized("Sign in to write messages.");
        }

        var errors = new FieldErrors();
        CheckBody(errors, request.Body);
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var thread = await db.MessageThreads.Include(t => t.Participants).FirstOrDefaultAsync(t => t.Id == id && t.Participants.Any(p => p.UserId == me), cancellationToken);
        if (thread is null)
        {
            return NotFound(id);
        }

        if (await TooManyAsync(db, me, cancellationToken) is { } tooMany)
        {
            return tooMany;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var others = thread.Participants.Where(p => p.UserId != me).Select(p => p.UserId).ToList();
        var message = await AddMessageAsync(db, caller, thread, request.Body!, others, now, CancellationToken.None);
        // Two replies at once both land; the thread's time only ever moves forward.
        await db.MessageThreads.Where(t => t.Id == id && t.LastMessageAt < now)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.LastMessageAt, now), CancellationToken.None);
        await push.PushAsync(others, CancellationToken.None);
        var view = await ViewAsync(db, id, me, CancellationToken.None);
        return view!.Messages.First(m => m.Id == message.Id);
    }

    /// <summary>The caller has read the thread up to now: read receipts for the others, and the thread's notifications read.</summary>
    public async Task<Result<ThreadView>> MarkReadAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } me)
        {
            return new Error.Unauthorized("Sign in to see your messages.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var marked = await db.ThreadParticipants.Where(p => p.ThreadId == id && p.UserId == me)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.LastReadAt, now), cancellationToken);
        if (marked == 0)
        {
            return NotFound(id);
        }

        var events = db.Messages.Where(m => m.ThreadId == id).Select(m => m.EventId);
        var read = await db.Notifications.Where(n => n.UserId == me && n.ReadAt == null && events.Contains(n.EventId))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        if (read > 0)
        {
            await push.PushAsync([me], CancellationToken.None);
        }

        return (await ViewAsync(db, id, me, cancellationToken))!;
    }

    private async Task<Message> AddMessageAsync(
        LyceumDbContext db, Caller caller, MessageThread thread, string body, IReadOnlyList<Guid> recipients, DateTime now, CancellationToken cancellationToken)
    {
        var me = caller.UserId!.Value;
        // The school whose name and address the e-mail goes out under: the sender's staff record's, else their guardian record's.
        var school = await db.Staff.Where(s => s.UserId == me).OrderBy(s => s.Id).Select(s => (int?)s.SchoolId).FirstOrDefaultAsync(cancellationToken)
            ?? await db.Guardians.Where(g => g.UserId == me).OrderBy(g => g.Id).Select(g => (int?)g.SchoolId).FirstOrDefaultAsync(cancellationToken);
        var message = new Message { ThreadId = thread.Id, SenderId = me, Body = body, SentAt = now };
        message.EventId = Outbox.Add(
            db,
            now,
            NotificationTypes.MessageEvent,
            new { threadId = thread.Id, sender = caller.DisplayName },
            school,
            recipients.Select(r => new NotificationDraft(r, $"{caller.DisplayName}: {thread.Subject}", Preview(body), $"/messages/{thread.Id}")));
        db.Messages.Add(message);
        foreach (var participant in thread.Participants.Where(p => p.UserId == me))
        {
            participant.LastReadAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return message;
    }

    private async Task<Error?> TooManyAsync(LyceumDbContext db, Guid me, CancellationToken cancellationToken)
    {
        var sent = db.Messages.Where(m => m.SenderId == me).Select(m => m.SentAt);
        return await MessageLimits.WaitAsync(sent, limits.MessagesPerMinute, TimeSpan.FromMinutes(1), clock.GetUtcNow().UtcDateTime, cancellationToken) is not { } wait ? null
            : new Error.TooManyRequests($"You have sent {limits.MessagesPerMinute} messages in the last minute. Wait a moment and send again.", wait);
    }

    private static void CheckBody(FieldErrors errors, string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            errors.Add("body", "Write a message: it is empty.");
        }

        errors.MaxLength("body", body, Message.BodyMaxLength);
    }

    private static async Task<ThreadView?> ViewAsync(LyceumDbContext db, long id, Guid me, CancellationToken cancellationToken)
    {
        var thread = await db.MessageThreads.AsNoTracking().Include(t => t.Participants).AsSplitQuery()
            .FirstOrDefaultAsync(t => t.Id == id && t.Participants.Any(p => p.UserId == me), cancellationToken);
        if (thread is null)
        {
            return null;
        }

        var users = thread.Participants.Select(p => p.UserId).ToList();
        var names = await db.Users.Where(u => users.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        var messages = await db.Messages.AsNoTracking().Where(m => m.ThreadId == id).OrderBy(m => m.SentAt).ThenBy(m => m.Id).ToListAsync(cancellationToken);
        var participants = thread.Participants
            .Select(p => new Participant(p.UserId, names.GetValueOrDefault(p.UserId, "?"), p.LastReadAt))
            .OrderBy(p => p.UserId != thread.StartedById).ThenBy(p => p.Name).ToList();
        return new ThreadView(
            thread.Id,
            thread.Subject,
            participants,
            [.. messages.Select(m => new MessageView(
                m.Id,
                m.SenderId,
                names.GetValueOrDefault(m.SenderId, "?"),
                m.Body,
                m.SentAt,
                [.. participants.Where(p => p.UserId != m.SenderId && p.LastReadAt >= m.SentAt).Select(p => p.Name)]))]);
    }

    private static string Preview(string? body)
    {
        var flat = string.Join(' ', (body ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= PreviewLength ? flat : flat[..(PreviewLength - 1)] + "…";
    }

    private static Error.NotFound NotFound(long id) => new($"You have no conversation {id}.");
}

public static class MessagesEndpoints
{
    public static IEndpointRouteBuilder MapMessages(this IEndpointRouteBuilder api)
    {
        // Reading needs only an account (anyone may have been written to); writing needs messages.send.
        var group = api.MapGroup("/messages").WithTags("Messages").RequireAuthorization("authenticated");

        group.MapGet("/contacts", async Task<Results<Ok<IReadOnlyList<Contact>>, ProblemHttpResult>> (
                string? q, Caller caller, MessagesHandler handler, CancellationToken cancellationToken) =>
            (await handler.ContactsAsync(caller, q, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.MessagesSend)
            .WithName("ListMessageContacts")
            .WithSummary("The people the caller may start a conversation with (at most 20), matching ?q= in name or e-mail");

        group.MapGet("/threads", async Task<Results<Ok<ThreadList>, ProblemHttpResult>> (
                Caller caller, MessagesHandler handler, CancellationToken cancellationToken) =>
            (await handler.ListAsync(caller, cancellationToken)).ToOk())
            .WithName("ListMessageThreads")
            .WithSummary("The caller's conversations, latest first (at most 50), and how many have unread messages");

        group.MapGet("/threads/{id:long}", async Task<Results<Ok<ThreadView>, ProblemHttpResult>> (
                long id, Caller caller, MessagesHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOk())
            .WithName("GetMessageThread")
            .WithSummary("One conversation with its messages and read receipts (it does not mark it read)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/threads", async Task<Results<Created<ThreadView>, ProblemHttpResult>> (
                NewThread request, HttpContext http, Caller caller, MessagesHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.StartAsync(caller, request, cancellationToken);
                return result.IsSuccess
                    ? TypedResults.Created($"/api/v1/messages/threads/{result.Value!.Id}", result.Value)
                    : result.Error!.ToProblem(http.Response);
            })
            .RequireAuthorization(Permissions.MessagesSend)
            .WithName("StartMessageThread")
            .WithSummary("Start a conversation with people the caller may write to: a subject and a first message (plain text, at most 5,000 characters)")
            .WithIdempotencyKey()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/threads/{id:long}/messages", async Task<Results<Created<MessageView>, ProblemHttpResult>> (
                long id, NewMessage request, HttpContext http, Caller caller, MessagesHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.ReplyAsync(caller, id, request, cancellationToken);
                return result.IsSuccess
                    ? TypedResults.Created($"/api/v1/messages/threads/{id}", result.Value)
                    : result.Error!.ToProblem(http.Response);
            })
            .RequireAuthorization(Permissions.MessagesSend)
            .WithName("ReplyInMessageThread")
            .WithSummary("Reply in a conversation the caller takes part in")
            .WithIdempotencyKey()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/threads/{id:long}/read", async Task<Results<Ok<ThreadView>, ProblemHttpResult>> (
                long id, Caller caller, MessagesHandler handler, CancellationToken cancellationToken) =>
            (await handler.MarkReadAsync(caller, id, cancellationToken)).ToOk())
            .WithName("MarkMessageThreadRead")
            .WithSummary("Marks the conversation read up to now (the others see it in their read receipts); safe to repeat")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
