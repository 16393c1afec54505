using System.Security.Cryptography;
using System.Text;
using Lyceum.Platform.Access;
using Lyceum.Platform.Data;
using Lyceum.Platform.Startup;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Api;

/// <summary>Marks an endpoint whose requests may carry an <c>Idempotency-Key</c> header (see <see cref="IdempotencyKeys"/>).</summary>
public sealed class IdempotencyKeyMetadata;

/// <summary>
/// <c>Idempotency-Key</c> on creates (the IETF httpapi draft): a client that retries a POST after a dropped connection
/// sends the same key, and gets the first answer again (with <c>Idempotent-Replayed: true</c>) instead of a second
/// record. Keys are per account and kept for <see cref="KeptFor"/> (<see cref="IdempotencyPurge"/> removes older
/// ones, and with them the kept answers). The same key with another body is 422; a retry while the first is still
/// running is 409. A success is kept; after a refusal (4xx) the key is free to use again. When the first request
/// failed without an answer (an exception, a dying node) it is unknown whether it saved: the key stays taken (409)
/// until <see cref="Abandoned"/> has passed. Without the header nothing changes. Creates that are idempotent by
/// themselves (enrolment, roll forward) need none.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    public const string ReplayedHeader = "Idempotent-Replayed";

    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(24);

    /// <summary>A first request still "running" after this long died with its node: a retry may take the key over.</summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(2);

    public static TBuilder WithIdempotencyKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IdempotencyKeyMetadata());

    /// <summary>After authorisation: a caller who may not create gets their 401/403, and no key is stored for them.</summary>
    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotencyKeyMetadata>() is null
                || !context.Request.Headers.TryGetValue(Header, out var values)
                || AccountClaims.UserId(context.User) is not { } user)
            {
                await next(context);
                return;
            }

            var key = values.ToString();
            if (key.Length is 0 or > IdempotentRequest.MaxKeyLength || key.Any(c => c is < '!' or > '~'))
            {
                await Error.Field(Header, $"Must be 1 to {IdempotentRequest.MaxKeyLength} visible ASCII characters, such as a UUID.")
                    .ToProblem().ExecuteAsync(context);
                return;
            }

            await RunOnceAsync(context, next, user, key);
        });

    private static async Task RunOnceAsync(HttpContext context, RequestDelegate next, Guid user, string key)
    {
        var cancellationToken = context.RequestAborted;
        var endpoint = $"{context.Request.Method} {context.Request.Path}";
        context.Request.EnableBuffering();
        var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(context.Request.Body, cancellationToken));
        context.Request.Body.Position = 0;

        var contexts = context.RequestServices.GetRequiredService<IDbContextFactory<LyceumDbContext>>();
        long rowId;
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var earlier = await db.IdempotentRequests.AsNoTracking().FirstOrDefaultAsync(r => r.UserId == user && r.Key == key, cancellationToken);
            if (earlier is not null && earlier.CreatedAt < now - KeptFor)
            {
                await db.IdempotentRequests.Where(r => r.Id == earlier.Id).ExecuteDeleteAsync(cancellationToken);
                earlier = null;
            }

            if (earlier is not null)
            {
                if (earlier.Endpoint != endpoint || earlier.RequestHash != hash)
                {
                    await Problem(StatusCodes.Status422UnprocessableEntity,
                        $"This {Header} was used with another request. Use a new key for a new request.").ExecuteAsync(context);
                    return;
                }

                if (earlier.StatusCode is { } status)
                {
                    await ReplayAsync(context, earlier, status);
                    return;
                }

                if (earlier.CreatedAt > now - Abandoned)
                {
                    await Problem(StatusCodes.Status409Conflict,
                        "The first request with this key is still being processed. Retry in a moment to get its answer.").ExecuteAsync(context);
                    return;
                }

                await db.IdempotentRequests.Where(r => r.Id == earlier.Id && r.StatusCode == null).ExecuteDeleteAsync(cancellationToken);
            }

            // Old keys go as new ones come: creates are few, and the index on CreatedAt makes this cheap.
            var expired = now - KeptFor;
            await db.IdempotentRequests.Where(r => r.CreatedAt < expired).ExecuteDeleteAsync(cancellationToken);
            var claimed = new IdempotentRequest { UserId = user, Key = key, Endpoint = endpoint, RequestHash = hash, CreatedAt = now };
            db.IdempotentRequests.Add(claimed);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                rowId = claimed.Id;
            }
            catch (DbUpdateException)
            {
                // The same key at the same moment from another request (or node): that one runs; this one waits its turn.
                await Problem(StatusCodes.Status409Conflict,
                    "The first request with this key is still being processed. Retry in a moment to get its answer.").ExecuteAsync(context);
                return;
            }
        }

        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        var answered = false;
        try
        {
            await next(context);
            answered = true;
        }
        finally
        {
            context.Response.Body = original;
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            // This run's own row, still unanswered: a run that outlived Abandoned and was taken over touches nothing.
            var row = db.IdempotentRequests.Where(r => r.Id == rowId && r.StatusCode == null);
            var status = context.Response.StatusCode;
            if (answered && status is >= 200 and < 300)
            {
                var body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
                var response = context.Response;
                await row.ExecuteUpdateAsync(r => r
                    .SetProperty(x => x.StatusCode, response.StatusCode)
                    .SetProperty(x => x.Location, response.Headers.Location.ToString())
                    .SetProperty(x => x.ETag, response.Headers.ETag.ToString())
                    .SetProperty(x => x.ContentType, response.ContentType)
                    .SetProperty(x => x.Body, body), CancellationToken.None);
            }
            else if (answered && status is >= 400 and < 500)
            {
                await row.ExecuteDeleteAsync(CancellationToken.None);
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, cancellationToken);
    }

    private static async Task ReplayAsync(HttpContext context, IdempotentRequest earlier, int status)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers[ReplayedHeader] = "true";
        if (!string.IsNullOrEmpty(earlier.Location))
        {
            response.Headers.Location = earlier.Location;
        }

        if (!string.IsNullOrEmpty(earlier.ETag))
        {
            response.Headers.ETag = earlier.ETag;
        }

        if (earlier.ContentType is { Length: > 0 } type)
        {
            response.ContentType = type;
        }

        if (earlier.Body is { Length: > 0 } body)
        {
            await response.WriteAsync(body, context.RequestAborted);
        }
    }

    private static ProblemHttpResult Problem(int status, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Title = ApiProblems.TitleOf(status), Detail = detail });
}

/// <summary>Removes keys (and the answers kept with them) older than <see cref="IdempotencyKeys.KeptFor"/>, hourly, on every node.</summary>
public sealed class IdempotencyPurge(
    IDbContextFactory<LyceumDbContext> contexts, StartupState startup, TimeProvider clock, ILogger<IdempotencyPurge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Once the database is migrated and seeded.
        while (!startup.IsReady)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken);
        }

        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(stoppingToken);
                var expired = clock.GetUtcNow().UtcDateTime - IdempotencyKeys.KeptFor;
                await db.IdempotentRequests.Where(r => r.CreatedAt < expired).ExecuteDeleteAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may not be migrated or reachable yet; the next hour tries again.
                logger.LogWarning(ex, "Could not purge old idempotency keys.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
