using System.Globalization;
using System.Text.Json;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Audit;

/// <summary>One change in the trail. <c>changes</c> maps each changed column to its value before and after.</summary>
public sealed record AuditItem(
    long Id,
    DateTime At,
    Guid? ActorId,
    string Actor,
    string Entity,
    string EntityId,
    AuditAction Action,
    JsonElement Changes,
    string? CorrelationId);

/// <summary>The filters of the audit list, as the query string gives them (parsed here for field-level errors).</summary>
public sealed record AuditFilter(string? Entity, string? EntityId, string? ActorId, string? From, string? To);

/// <summary>Reads the audit trail, newest first. There is no write path here or anywhere: rows come only from saves.</summary>
public sealed class ListAuditEntriesHandler(IDbContextFactory<LyceumDbContext> contexts)
{
    public async Task<Result<PagedResult<AuditItem>>> HandleAsync(ListQuery query, AuditFilter filter, CancellationToken cancellationToken)
    {
        var parsed = query.Parse([]);
        var errors = new FieldErrors();
        if (!parsed.IsSuccess)
        {
            return parsed.Error!;
        }

        errors.MaxLength("entity", filter.Entity, 100);
        errors.MaxLength("entityId", filter.EntityId, 100);
        Guid? actorId = null;
        if (!string.IsNullOrWhiteSpace(filter.ActorId))
        {
            if (Guid.TryParse(filter.ActorId, out var id))
            {
                actorId = id;
            }
            else
            {
                errors.Add("actorId", "Must be an account id (a GUID).");
            }
        }

        var from = Instant(filter.From, "from", errors);
        var to = Instant(filter.To, "to", errors);
        if (from > to)
        {
            errors.Add("to", "Must not be before 'from'.");
        }

        if (parsed.Value!.Q is not null)
        {
            errors.Add("q", "The audit trail is filtered by entity, entityId, actorId, from and to, not searched.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var request = parsed.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Entity))
        {
            var entity = filter.Entity.Trim();
            rows = rows.Where(e => e.Entity == entity);
        }

        if (!string.IsNullOrWhiteSpace(filter.EntityId))
        {
            var entityId = filter.EntityId.Trim();
            rows = rows.Where(e => e.EntityId == entityId);
        }

        if (actorId is { } actor)
        {
            rows = rows.Where(e => e.ActorId == actor);
        }

        if (from is { } start)
        {
            rows = rows.Where(e => e.At >= start);
        }

        if (to is { } end)
        {
            rows = rows.Where(e => e.At < end);
        }

        var total = await rows.CountAsync(cancellationToken);
        var page = await rows.OrderByDescending(e => e.Id).Skip(request.Skip).Take(request.PageSize).ToListAsync(cancellationToken);
        return new PagedResult<AuditItem>(
            [.. page.Select(e => new AuditItem(
                e.Id, e.At, e.ActorId, e.Actor, e.Entity, e.EntityId, e.Action,
                JsonDocument.Parse(e.Changes).RootElement.Clone(), e.CorrelationId))],
            request.Page, request.PageSize, total);
    }

    /// <summary>An ISO 8601 date or date-time; without an offset it is taken as UTC.</summary>
    private static DateTime? Instant(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Length <= 40 && DateTimeOffset.TryParse(
                text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return instant.UtcDateTime;
        }

        errors.Add(field, "Must be an ISO 8601 date or date-time, such as 2026-11-25 or 2026-11-25T08:40:00Z.");
        return null;
    }
}

public static class ListAuditEntriesEndpoint
{
    public static void MapListAuditEntries(this IEndpointRouteBuilder audit) =>
        audit.MapGet("/", async Task<Results<Ok<PagedResult<AuditItem>>, ProblemHttpResult>> (
                [AsParameters] ListQuery query,
                string? entity,
                string? entityId,
                string? actorId,
                string? from,
                string? to,
                ListAuditEntriesHandler handler,
                CancellationToken cancellationToken) =>
            (await handler.HandleAsync(query, new AuditFilter(entity, entityId, actorId, from, to), cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.AuditView)
            .WithName("ListAuditEntries")
            .WithSummary("The audit trail, newest first")
            .WithDescription("Every insert, update and delete with who, when, the correlation id and each changed column before and after. " +
                "Filter by entity (Student, Role, UserRole, …), entityId, actorId, from and to (ISO 8601; 'to' is exclusive).")
            .ProducesValidationProblem();
}
