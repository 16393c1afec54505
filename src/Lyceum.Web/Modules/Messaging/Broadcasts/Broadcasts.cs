using Lyceum.Modules.Messaging.Notifications;
using Lyceum.Modules.Messaging.Threads;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Messaging.Broadcasts;

/// <summary>
/// Who a broadcast goes to. <see cref="Kind"/>: <c>school</c> (<see cref="SchoolId"/>), <c>year-group</c>
/// (<see cref="SchoolId"/> and <see cref="YearGroup"/>), <c>section</c> (<see cref="SectionId"/>) or <c>role</c>
/// (<see cref="Role"/>, such as "Tutor", narrowed to a school's people when <see cref="SchoolId"/> is given). For the
/// first three, <see cref="Include"/> says whom of it: <c>guardians</c> (the default), <c>students</c>, <c>staff</c>.
/// </summary>
public sealed record BroadcastAudience(string? Kind, int? SchoolId, int? YearGroup, int? SectionId, string? Role, IReadOnlyList<string>? Include);

/// <summary>A broadcast to send: in-app always, and <see cref="Channels"/> (<c>email</c>, <c>sms</c>) for everyone in the audience, whatever their preferences.</summary>
public sealed record NewBroadcast(string? Subject, string? Body, BroadcastAudience? Audience, IReadOnlyList<string>? Channels);

/// <summary>How the deliveries of one channel stand; <see cref="Skipped"/>: nothing to send to (no address, no SMS gateway).</summary>
public sealed record ChannelCounts(int Sent, int Waiting, int Failed, int Skipped);

public sealed record BroadcastView(
    long Id, string Subject, string Body, string Audience, IReadOnlyList<string> Channels, string SentBy, DateTime SentAt,
    int Recipients, int Read, ChannelCounts Email, ChannelCounts Sms);

public sealed record AudiencePreview(string Audience, int Recipients);

/// <summary>
/// Broadcasts: one announcement to a role, a section, a year group or a school, written as one event with a
/// notification per recipient and the sender's channels (<see cref="OutboxMessage.Channels"/>), which the dispatcher
/// uses over the recipients' preferences. Who may send where: <see cref="Permissions.BroadcastsSend"/> over every
/// school reaches any audience, over one school that school's audiences, over "own sections" the caller's own
/// sections; <see cref="Permissions.BroadcastsTutors"/> (a moderator's) reaches only the tutors.
/// </summary>
public sealed class BroadcastsHandler(IDbContextFactory<LyceumDbContext> contexts, TimeProvider clock, MessageLimits limits, IUnreadCountPush push)
{
    public const string BroadcastEvent = "messaging.broadcast";
    private static readonly string[] KnownKinds = ["school", "year-group", "section", "role"];
    private static readonly string[] KnownIncludes = ["guardians", "students", "staff"];
    private static readonly string[] KnownChannels = ["email", "sms"];

    public async Task<Result<AudiencePreview>> PreviewAsync(Caller caller, BroadcastAudience? audience, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var resolved = await ResolveAsync(db, caller, audience, new FieldErrors(), cancellationToken);
        return resolved.IsSuccess ? new AudiencePreview(resolved.Value!.Label, resolved.Value.Users.Count) : resolved.Error!;
    }

    public async Task<Result<BroadcastView>> SendAsync(Caller caller, NewBroadcast request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var subject = request.Subject?.Trim();
        errors.Required("subject", subject);
        errors.MaxLength("subject", subject, MessageThread.SubjectMaxLength);
        if (string.IsNullOrWhiteSpace(request.Body))
        {
            errors.Add("body", "Write the announcement: it is empty.");
        }

        errors.MaxLength("body", request.Body, Broadcast.BodyMaxLength);
        var channels = request.Channels ?? [];
        for (var i = 0; i < channels.Count; i++)
        {
            if (!KnownChannels.Contains(channels[i]))
            {
                errors.Add($"channels[{i}]", $"There is no channel \"{channels[i]}\". Choose from: email, sms (in-app is always on).");
            }
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var resolved = await ResolveAsync(db, caller, request.Audience, errors, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error!;
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var (label, school, users) = resolved.Value!;
        if (users.Count == 0)
        {
            return Error.Field("audience", $"Nobody in \"{label}\" has an account to send to.");
        }

        var me = caller.UserId!.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var sent = db.Broadcasts.Where(b => b.SenderId == me).Select(b => b.SentAt);
        if (await MessageLimits.WaitAsync(sent, limits.BroadcastsPerHour, TimeSpan.FromHours(1), now, cancellationToken) is { } wait)
        {
            return new Error.TooManyRequests($"You have sent {limits.BroadcastsPerHour} broadcasts in the last hour. Wait before sending another.", wait);
        }

        var chosen = string.Join(',', KnownChannels.Where(channels.Contains));
        var broadcast = new Broadcast
        {
            SenderId = me,
            SchoolId = school,
            Subject = subject!,
            Body = request.Body!,
            Audience = label,
            Channels = chosen,
            Recipients = users.Count,
            SentAt = now,
        };
        broadcast.EventId = Outbox.Add(
            db,
            now,
            BroadcastEvent,
            new { subject, audience = label, sender = caller.DisplayName },
            school,
            users.Select(u => new NotificationDraft(u, subject!, request.Body, null)),
            channels: chosen);
        db.Broadcasts.Add(broadcast);
        await db.SaveChangesAsync(cancellationToken);
        await push.PushAsync(users, CancellationToken.None);
        return (await ViewsAsync(db, [broadcast], CancellationToken.None))[0];
    }

    /// <summary>The caller's broadcasts (every broadcast for a sender over every school), newest first, with what they reached.</summary>
    public async Task<Result<IReadOnlyList<BroadcastView>>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (!MaySend(caller))
        {
            return new Error.Forbidden("You may not send broadcasts.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var me = caller.UserId!.Value;
        var all = caller.CanEverywhere(Permissions.BroadcastsSend);
        var list = await db.Broadcasts.AsNoTracking().Where(b => all || b.SenderId == me).OrderByDescending(b => b.Id).Take(50).ToListAsync(cancellationToken);
        return await ViewsAsync(db, list, cancellationToken);
    }

    public async Task<Result<BroadcastView>> GetAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        if (!MaySend(caller))
        {
            return new Error.Forbidden("You may not send broadcasts.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var me = caller.UserId!.Value;
        var all = caller.CanEverywhere(Permissions.BroadcastsSend);
        var broadcast = await db.Broadcasts.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id && (all || b.SenderId == me), cancellationToken);
        return broadcast is null ? new Error.NotFound($"You have no broadcast {id}.") : (await ViewsAsync(db, [broadcast], cancellationToken))[0];
    }

    public static bool MaySend(Caller caller) =>
        caller.UserId is not null && (caller.Can(Permissions.BroadcastsSend) || caller.Can(Permissions.BroadcastsTutors));

    private sealed record Resolved(string Label, int? School, IReadOnlyList<Guid> Users);

    private static async Task<Result<Resolved>> ResolveAsync(LyceumDbContext db, Caller caller, BroadcastAudience? audience, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (!MaySend(caller))
        {
            return new Error.Forbidden("You may not send broadcasts.");
        }

        if (audience is null)
        {
            errors.Add("audience", "Choose who the broadcast goes to: a school, a year group, a section or a role.");
            return errors.ToError();
        }

        if (!KnownKinds.Contains(audience.Kind))
        {
            errors.Add("audience.kind", $"Choose one of: {string.Join(", ", KnownKinds)}.");
            return errors.ToError();
        }

        var include = audience.Include is { Count: > 0 } given ? given : ["guardians"];
        for (var i = 0; i < include.Count; i++)
        {
            if (!KnownIncludes.Contains(include[i]))
            {
                errors.Add($"audience.include[{i}]", $"Choose from: {string.Join(", ", KnownIncludes)}.");
            }
        }

        // Whether the caller may send there is answered before whether it exists, so a sender limited to their own
        // school or sections cannot probe other schools' ids. A required field left out is said first either way.
        int? school = audience.SchoolId;
        if (audience.Kind == "section" && audience.SectionId is { } asked)
        {
            school = await db.Sections.Where(s => s.Id == asked).Select(s => (int?)s.Course!.SchoolId).FirstOrDefaultAsync(cancellationToken);
        }

        var complete = audience.Kind switch
        {
            "school" => audience.SchoolId is not null,
            "year-group" => audience.SchoolId is not null && audience.YearGroup is not null,
            "section" => audience.SectionId is not null,
            _ => !string.IsNullOrWhiteSpace(audience.Role),
        };
        if (complete && !await MayReachAsync(db, caller, audience, school, cancellationToken))
        {
            return new Error.Forbidden(caller.Can(Permissions.BroadcastsSend)
                ? "Your broadcasts may not go to this audience."
                : "You may broadcast only to the tutors.");
        }

        string? place = null;
        IQueryable<Guid>? users = null;
        switch (audience.Kind)
        {
            case "school" or "year-group":
                if (school is null)
                {
                    errors.Add("audience.schoolId", "Choose the school.");
                }
                else if (await db.Schools.Where(s => s.Id == school).Select(s => s.Name).FirstOrDefaultAsync(cancellationToken) is not { } name)
                {
                    errors.Add("audience.schoolId", $"There is no school {school}.");
                }
                else
                {
                    place = name;
                }

                if (audience.Kind == "year-group" && audience.YearGroup is not (>= 0 and <= 20))
                {
                    errors.Add("audience.yearGroup", "Give the year group, such as 9.");
                }

                if (errors.Any)
                {
                    return errors.ToError();
                }

                var year = audience.Kind == "year-group" ? audience.YearGroup : null;
                var students = db.Students.Where(s => s.SchoolId == school && s.ArchivedAt == null && (year == null || s.YearGroup == year));
                var studentIds = students.Select(s => s.Id);
                users = Union(
                    include.Contains("guardians") ? Guardians(db, studentIds) : null,
                    include.Contains("students") ? students.Where(s => s.UserId != null).Select(s => s.UserId!.Value) : null,
                    !include.Contains("staff") ? null
                        : year is null ? db.Staff.Where(s => s.SchoolId == school && s.ArchivedAt == null && s.UserId != null).Select(s => s.UserId!.Value)
                        : Audience.TeachersOf(db, db.Enrollments.Where(e => e.WithdrawnOn == null && studentIds.Contains(e.StudentId)).Select(e => e.SectionId)));
                place = year is null ? place : $"Year {year}, {place}";
                break;
            case "section":
                var section = audience.SectionId is { } sectionId
                    ? await db.Sections.Where(s => s.Id == sectionId).Select(s => new { s.Id, s.Name, s.Course!.SchoolId, s.TeacherId, Teacher = s.Teacher!.UserId }).FirstOrDefaultAsync(cancellationToken)
                    : null;
                if (section is null)
                {
                    errors.Add("audience.sectionId", audience.SectionId is null ? "Choose the section." : $"There is no section {audience.SectionId}.");
                    return errors.ToError();
                }

                if (errors.Any)
                {
                    return errors.ToError();
                }

                school = section.SchoolId;
                place = section.Name;
                var enrolled = db.Enrollments.Where(e => e.SectionId == section.Id && e.WithdrawnOn == null && e.Student!.ArchivedAt == null).Select(e => e.StudentId);
                users = Union(
                    include.Contains("guardians") ? Guardians(db, enrolled) : null,
                    include.Contains("students") ? db.Students.Where(s => enrolled.Contains(s.Id) && s.UserId != null).Select(s => s.UserId!.Value) : null,
                    include.Contains("staff") ? Audience.TeachersOf(db, db.Sections.Where(s => s.Id == section.Id).Select(s => s.Id)) : null);
                break;
            default:
                var role = string.IsNullOrWhiteSpace(audience.Role) ? null
                    : await db.Roles.Where(r => r.Name == audience.Role).Select(r => new { r.Id, r.Name }).FirstOrDefaultAsync(cancellationToken);
                if (role is null)
                {
                    errors.Add("audience.role", string.IsNullOrWhiteSpace(audience.Role) ? "Choose the role, such as Tutor." : $"There is no role \"{audience.Role}\".");
                }

                if (school is { } narrowed && !await db.Schools.AnyAsync(s => s.Id == narrowed, cancellationToken))
                {
                    errors.Add("audience.schoolId", $"There is no school {school}.");
                }

                if (errors.Any)
                {
                    return errors.ToError();
                }

                users = db.UserRoles.Where(ur => ur.RoleId == role!.Id).Select(ur => ur.UserId);
                if (school is { } only)
                {
                    var people = Audience.PeopleOf(db, only);
                    users = users.Where(u => people.Contains(u));
                    place = await db.Schools.Where(s => s.Id == only).Select(s => s.Name).FirstAsync(cancellationToken);
                }

                include = [role!.Name!];
                break;
        }

        var me = caller.UserId!.Value;
        var reached = users is null ? [] : await db.Users.Where(u => u.DeactivatedAt == null && u.Id != me && users.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
        var who = audience.Kind == "role" ? $"Everyone with the role {include[0]}" : string.Join(", ", include.Select(i => char.ToUpperInvariant(i[0]) + i[1..]));
        return new Resolved(Outbox.Clip(place is null ? who : $"{who} of {place}", Broadcast.AudienceMaxLength)!, school, reached);
    }

    private static async Task<bool> MayReachAsync(LyceumDbContext db, Caller caller, BroadcastAudience audience, int? school, CancellationToken cancellationToken)
    {
        foreach (var grant in caller.GrantsOf(Permissions.BroadcastsSend))
        {
            if (grant.IsUnlimited
                || (grant.Scope == AccessScope.School && grant.SchoolId == school && school is not null)
                || (grant.Scope == AccessScope.OwnSections && audience.Kind == "section"
                    && await db.Sections.AnyAsync(s => s.Id == audience.SectionId && (s.Teacher!.UserId == caller.UserId || s.CoTeachers.Any(c => c.StaffMember!.UserId == caller.UserId)), cancellationToken)))
            {
                return true;
            }
        }

        return audience.Kind == "role" && audience.Role == RoleNames.Tutor
            && caller.GrantsOf(Permissions.BroadcastsTutors).Any(g => g.IsUnlimited || (g.Scope == AccessScope.School && g.SchoolId == school && school is not null));
    }

    private static IQueryable<Guid> Guardians(LyceumDbContext db, IQueryable<int> students) =>
        Outbox.GuardianLinks(db).Where(l => students.Contains(l.StudentId)).Select(l => l.Guardian!.UserId!.Value);

    private static IQueryable<Guid>? Union(params IQueryable<Guid>?[] parts) =>
        parts.OfType<IQueryable<Guid>>().Aggregate((IQueryable<Guid>?)null, (all, next) => all is null ? next : all.Union(next));

    /// <summary>The broadcasts with what they reached: read counts and deliveries per channel, two queries for all of them.</summary>
    private static async Task<BroadcastView[]> ViewsAsync(LyceumDbContext db, IReadOnlyList<Broadcast> broadcasts, CancellationToken cancellationToken)
    {
        var events = broadcasts.Select(b => b.EventId).ToList();
        var read = await db.Notifications.Where(n => events.Contains(n.EventId) && n.ReadAt != null)
            .GroupBy(n => n.EventId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        var deliveries = await db.Deliveries.Where(d => events.Contains(d.Notification!.EventId))
            .GroupBy(d => new { d.Notification!.EventId, d.Channel, d.Status }).Select(g => new { g.Key.EventId, g.Key.Channel, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var senders = broadcasts.Select(b => b.SenderId).Distinct().ToList();
        var names = await db.Users.Where(u => senders.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        return [.. broadcasts.Select(b =>
        {
            ChannelCounts Of(DeliveryChannel channel)
            {
                int Count(DeliveryStatus status) => deliveries.Where(d => d.EventId == b.EventId && d.Channel == channel && d.Status == status).Sum(d => d.Count);
                return new ChannelCounts(Count(DeliveryStatus.Sent), Count(DeliveryStatus.Pending), Count(DeliveryStatus.Dead), Count(DeliveryStatus.Skipped));
            }

            return new BroadcastView(
                b.Id, b.Subject, b.Body, b.Audience, b.Channels.Length == 0 ? [] : b.Channels.Split(','),
                names.GetValueOrDefault(b.SenderId, "?"), b.SentAt, b.Recipients, read.GetValueOrDefault(b.EventId), Of(DeliveryChannel.Email), Of(DeliveryChannel.Sms));
        })];
    }
}

public static class BroadcastsEndpoints
{
    public static IEndpointRouteBuilder MapBroadcasts(this IEndpointRouteBuilder api)
    {
        // Two permissions may send (broadcasts.send, and broadcasts.tutors for the tutors only): the handler decides.
        var group = api.MapGroup("/messaging/broadcasts").WithTags("Messages").RequireAuthorization("authenticated");

        group.MapPost("/", async Task<Results<Created<BroadcastView>, ProblemHttpResult>> (
                NewBroadcast request, HttpContext http, Caller caller, BroadcastsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.SendAsync(caller, request, cancellationToken);
                return result.IsSuccess
                    ? TypedResults.Created($"/api/v1/messaging/broadcasts/{result.Value!.Id}", result.Value)
                    : result.Error!.ToProblem(http.Response);
            })
            .WithName("SendBroadcast")
            .WithSummary("Announce to a school, a year group, a section or a role, by the channels chosen (in-app always; email, sms)")
            .WithIdempotencyKey()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/preview", async Task<Results<Ok<AudiencePreview>, ProblemHttpResult>> (
                BroadcastAudience audience, Caller caller, BroadcastsHandler handler, CancellationToken cancellationToken) =>
            (await handler.PreviewAsync(caller, audience, cancellationToken)).ToOk())
            .WithName("PreviewBroadcastAudience")
            .WithSummary("How an audience reads and how many accounts it reaches, without sending anything")
            .ProducesValidationProblem();

        group.MapGet("/", async Task<Results<Ok<IReadOnlyList<BroadcastView>>, ProblemHttpResult>> (
                Caller caller, BroadcastsHandler handler, CancellationToken cancellationToken) =>
            (await handler.ListAsync(caller, cancellationToken)).ToOk())
            .WithName("ListBroadcasts")
            .WithSummary("The caller's broadcasts (all of them for a sender over every school), newest first, with delivered and read counts");

        group.MapGet("/{id:long}", async Task<Results<Ok<BroadcastView>, ProblemHttpResult>> (
                long id, Caller caller, BroadcastsHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOk())
            .WithName("GetBroadcast")
            .WithSummary("One broadcast with its delivered and read counts")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
