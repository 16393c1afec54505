using System.ComponentModel;
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
    public static readonly IReadOnlyCollection<string> Sortable = ["at"];

    // The model is the same for every context: its names are worked out once.
    private static IReadOnlyList<string>? _entityNames;

    /// <summary>The names the trail uses for the kinds of record in the model (Student, Role, UserRole, …).</summary>
    public static IReadOnlyList<string> EntityNames(LyceumDbContext db) =>
        _entityNames ??= [.. db.Model.GetEntityTypes().Where(t => t.ClrType != typeof(AuditEntry) && !typeof(IUnaudited).IsAssignableFrom(t.ClrType))
            .Select(t => AuditInterceptor.NameOf(t.ClrType)).Distinct().Order(StringComparer.Ordinal)];

    public async Task<Result<PagedResult<AuditItem>>> HandleAsync(ListQuery query, AuditFilter filter, CancellationToken cancellationToken)
    {
        var parsed = query.Parse(Sortable);
        if (!parsed.IsSuccess)
        {
            return parsed.Error!;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var errors = new FieldErrors();
        string? entity = null;
        if (!string.IsNullOrWhiteSpace(filter.Entity))
        {
            var names = EntityNames(db);
            entity = names.FirstOrDefault(n => string.Equals(n, filter.Entity.Trim(), StringComparison.OrdinalIgnoreCase));
            if (entity is null)
            {
                errors.Add("entity", $"Is not a kind of record in the trail. Use one of: {string.Join(", ", names)}.");
            }
        }

        errors.MaxLength("entityId", filter.EntityId, AuditEntry.MaxEntityIdLength);
        TextInput.Check(errors, "entityId", filter.EntityId);
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

        var from = Instant(filter.From, "from", errors, endOfDay: false);
        var to = Instant(filter.To, "to", errors, endOfDay: true);
        if (from > to)
        {
            errors.Add("to", "Must not be before 'from'.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var request = parsed.Value!;
        var rows = db.AuditEntries.AsNoTracking();
        if (entity is not null)
        {
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
        // Id is the order the rows were written in (the order a hash chain will follow); "at" sorts by it.
        var oldestFirst = request.Sort is [{ Field: "at", Descending: false }];
        var page = await (oldestFirst ? rows.OrderBy(e => e.Id) : rows.OrderByDescending(e => e.Id))
            .Skip(request.Skip).Take(request.PageSize).ToListAsync(cancellationToken);
        return new PagedResult<AuditItem>(
            [.. page.Select(e => new AuditItem(
                e.Id, e.At, e.ActorId, e.Actor, e.Entity, e.EntityId, e.Action,
                JsonDocument.Parse(e.Changes).RootElement.Clone(), e.CorrelationId))],
            request.Page, request.PageSize, total);
    }

    /// <summary>
    /// An ISO 8601 date-time (without an offset: UTC), or a date: from its start, or for <c>to</c> through its end
    /// (<c>to=2026-11-25</c> includes the whole of the 25th; a <c>to</c> date-time is exclusive).
    /// </summary>
    private static DateTime? Instant(string? text, string field, FieldErrors errors, bool endOfDay)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddDays(endOfDay ? 1 : 0);
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
                [Description("Page number, from 1. Default 1.")] string? page,
                [Description("Items per page, 1–100. Default 25.")] string? pageSize,
                [Description("'-at' (newest first, the default) or 'at'.")] string? sort,
                [Description("The kind of record: Student, Role, RoleGrant, UserRole, User, … (any case).")] string? entity,
                [Description("The record's id; composite keys joined with '/', e.g. userId/roleId.")] string? entityId,
                [Description("The account that made the changes.")] string? actorId,
                [Description("From this date (yyyy-MM-dd) or UTC date-time, inclusive.")] string? from,
                [Description("Through this date (yyyy-MM-dd), or until this UTC date-time (exclusive).")] string? to,
                ListAuditEntriesHandler handler,
                CancellationToken cancellationToken) =>
            (await handler.HandleAsync(new ListQuery(page, pageSize, null, sort), new AuditFilter(entity, entityId, actorId, from, to), cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.AuditView)
            .WithName("ListAuditEntries")
            .WithSummary("The audit trail, newest first")
            .WithDescription("Every insert, update and delete with who, when, the correlation id and each changed column before and after. " +
                "Filter by entity, entityId, actorId, from and to.")
            .ProducesValidationProblem();
}
