using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Feeds;

/// <summary>Whether the caller has a calendar feed; never its address (only the token's hash is kept).</summary>
public sealed record CalendarFeedStatus(bool Active, DateTime? CreatedAt = null, DateTime? LastReadAt = null);

/// <summary>A new feed's address: shown once, as the token behind it is not stored.</summary>
public sealed record CalendarFeedLink(string Url, DateTime CreatedAt);

/// <summary>A feed's content, ready to send.</summary>
public sealed record CalendarFeedDocument(string Text, string ETag);

/// <summary>
/// Private calendar feeds: a signed-in user with <c>sessions.view</c> makes (or remakes) the secret address of their
/// feed, sees whether one exists and turns it off; a calendar app reads <c>/ical/{token}.ics</c> with no sign-in. Only the
/// token's SHA-256 is stored, so the address is shown once. A feed counts only while it is the user's newest one and not
/// revoked: two resets at once still leave a single working address. The feed holds what the user's
/// <c>sessions.view</c> reaches when it is read, not when it was made: a role taken away, or a deactivated account,
/// empties it at once (404).
/// </summary>
public sealed class CalendarFeedsHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, TimeProvider clock)
{
    /// <summary>The window a feed covers: sessions from 90 days back to a year ahead (a series touching it is whole).</summary>
    public static readonly TimeSpan Back = TimeSpan.FromDays(90);

    public static readonly TimeSpan Ahead = TimeSpan.FromDays(366);

    private const int TokenBytes = 32;

    // 32 bytes in unpadded base64url.
    private const int TokenLength = 43;

    /// <summary>How often a read is written down as the feed's last read: calendar apps poll hourly, the trail need not hear each.</summary>
    private static readonly TimeSpan ReadStampEvery = TimeSpan.FromDays(1);

    public async Task<Result<CalendarFeedStatus>> StatusAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } error)
        {
            return error;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var feed = await Current(db, caller.UserId!.Value).AsNoTracking()
            .Select(f => new { f.CreatedAt, f.LastReadAt })
            .FirstOrDefaultAsync(cancellationToken);
        return feed is null ? new CalendarFeedStatus(false) : new CalendarFeedStatus(true, feed.CreatedAt, feed.LastReadAt);
    }

    /// <summary>A new feed for the caller; their older one stops working.</summary>
    public async Task<Result<CalendarFeedLink>> CreateAsync(Caller caller, Uri site, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } error)
        {
            return error;
        }

        var userId = caller.UserId!.Value;
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var old in await db.CalendarFeeds.Where(f => f.UserId == userId && f.RevokedAt == null).ToListAsync(cancellationToken))
        {
            old.RevokedAt = now;
        }

        db.CalendarFeeds.Add(new CalendarFeed { UserId = userId, TokenHash = Hash(token), CreatedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CalendarFeedLink(new Uri(site, $"ical/{token}.ics").ToString(), now);
    }

    /// <summary>Turns the caller's feed off (nothing to do when there is none).</summary>
    public async Task<Result<CalendarFeedStatus>> RevokeAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (Refusal(caller) is { } error)
        {
            return error;
        }

        var userId = caller.UserId!.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var feed in await db.CalendarFeeds.Where(f => f.UserId == userId && f.RevokedAt == null).ToListAsync(cancellationToken))
        {
            feed.RevokedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return new CalendarFeedStatus(false);
    }

    /// <summary>
    /// The feed behind <paramref name="token"/>, or null for a token that is unknown, replaced or revoked, or whose
    /// account is deactivated or no longer holds <c>sessions.view</c> (all alike, so nothing tells them apart).
    /// </summary>
    public async Task<CalendarFeedDocument?> ReadAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length != TokenLength || !Base64Url.IsValid(token))
        {
            return null;
        }

        var hash = Hash(token);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var feed = await db.CalendarFeeds.AsNoTracking()
            .Where(f => f.TokenHash == hash && f.RevokedAt == null && !db.CalendarFeeds.Any(n => n.UserId == f.UserId && n.Id > f.Id))
            .Select(f => new { f.Id, f.UserId, f.LastReadAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (feed is null)
        {
            return null;
        }

        // The account as if it had signed in: the same grants, read now (a deactivated account is nobody).
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", feed.UserId.ToString())], "calendar-feed"));
        var caller = await access.CallerAsync(principal, cancellationToken);
        if (caller.UserId is null || !caller.Can(Permissions.SessionsView))
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var sessions = await CalendarFeedQuery.LoadAsync(db, access, caller, now - Back, now + Ahead, cancellationToken);
        var text = CalendarFeedWriter.Write(sessions);

        if (feed.LastReadAt is null || now - feed.LastReadAt > ReadStampEvery)
        {
            var row = await db.CalendarFeeds.SingleAsync(f => f.Id == feed.Id, cancellationToken);
            row.LastReadAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return new CalendarFeedDocument(text, $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32]}\"");
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    private static IQueryable<CalendarFeed> Current(LyceumDbContext db, Guid userId) =>
        db.CalendarFeeds.Where(f => f.UserId == userId && f.RevokedAt == null).OrderByDescending(f => f.Id);

    private static Error? Refusal(Caller caller) =>
        caller.UserId is null ? new Error.Unauthorized("Sign in to manage your calendar feed.")
        : !caller.Can(Permissions.SessionsView) ? new Error.Forbidden("A calendar feed needs sessions.view.")
        : null;
}
