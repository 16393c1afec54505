using Lyceum.Modules.Messaging.Notifications;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Messaging.Preferences;

/// <summary>One type's channels for the signed-in account; <see cref="Defaults"/> is what applies without a choice.</summary>
public sealed record TypePreference(string Type, bool InApp, bool Email, bool Sms, ChannelSet Defaults);

public sealed record PreferencesView(bool DailyDigest, int DigestHour, IReadOnlyList<TypePreference> Types);

/// <summary>A change of some channels of one type; a channel left out keeps its current value.</summary>
public sealed record ChannelChoice(bool? InApp, bool? Email, bool? Sms);

/// <summary>
/// What to change: the digest, and per notification type (<see cref="NotificationTypes"/> keys) the channels to change.
/// An unknown channel is refused by the JSON binding (unknown fields are 400); an unknown type by the handler.
/// </summary>
public sealed record PreferencesChange(bool? DailyDigest, int? DigestHour, IReadOnlyDictionary<string, ChannelChoice>? Types);

/// <summary>The signed-in account's notification preferences: channels per type, and the daily digest.</summary>
public sealed class NotificationPreferencesHandler(IDbContextFactory<LyceumDbContext> contexts)
{
    public async Task<Result<PreferencesView>> GetAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } user)
        {
            return new Error.Unauthorized("Sign in to see your notification settings.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ViewAsync(db, user, cancellationToken);
    }

    public async Task<Result<PreferencesView>> ChangeAsync(Caller caller, PreferencesChange change, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } user)
        {
            return new Error.Unauthorized("Sign in to change your notification settings.");
        }

        var errors = new FieldErrors();
        if (change.DigestHour is { } hour and (< 0 or > 23))
        {
            errors.Add("digestHour", "Give an hour from 0 to 23.");
        }

        foreach (var (key, choice) in change.Types ?? new Dictionary<string, ChannelChoice>())
        {
            if (NotificationTypes.Find(key) is null)
            {
                errors.Add($"types.{key}", $"There is no notification type \"{key}\". Known types: {string.Join(", ", NotificationTypes.All.Select(t => t.Key))}.");
            }
            else if (choice is null)
            {
                errors.Add($"types.{key}", "Give the channels to change, such as {\"email\": false}.");
            }
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (change.DailyDigest is not null || change.DigestHour is not null)
        {
            var settings = await db.NotificationSettings.FindAsync([user], cancellationToken);
            if (settings is null)
            {
                db.NotificationSettings.Add(settings = new Lyceum.Modules.Messaging.NotificationSettings { UserId = user });
            }

            settings.DailyDigest = change.DailyDigest ?? settings.DailyDigest;
            settings.DigestHour = change.DigestHour ?? settings.DigestHour;
        }

        var keys = change.Types?.Keys.ToList() ?? [];
        var stored = await db.NotificationPreferences.Where(p => p.UserId == user && keys.Contains(p.Type)).ToDictionaryAsync(p => p.Type, cancellationToken);
        foreach (var (key, choice) in change.Types ?? new Dictionary<string, ChannelChoice>())
        {
            if (!stored.TryGetValue(key, out var row))
            {
                var defaults = NotificationTypes.Find(key)!.Defaults;
                db.NotificationPreferences.Add(row = new NotificationPreference { UserId = user, Type = key, InApp = defaults.InApp, Email = defaults.Email, Sms = defaults.Sms });
            }

            row.InApp = choice.InApp ?? row.InApp;
            row.Email = choice.Email ?? row.Email;
            row.Sms = choice.Sms ?? row.Sms;
        }

        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, user, cancellationToken);
    }

    /// <summary>The channels each type comes by for these accounts (their choices over the defaults).</summary>
    public static async Task<Dictionary<Guid, ChannelSet>> ChannelsAsync(LyceumDbContext db, NotificationType type, IReadOnlyCollection<Guid> users, CancellationToken cancellationToken)
    {
        var chosen = await db.NotificationPreferences
            .Where(p => p.Type == type.Key && users.Contains(p.UserId))
            .ToDictionaryAsync(p => p.UserId, p => new ChannelSet(p.InApp, p.Email, p.Sms), cancellationToken);
        return users.Distinct().ToDictionary(u => u, u => chosen.GetValueOrDefault(u) ?? type.Defaults);
    }

    private static async Task<PreferencesView> ViewAsync(LyceumDbContext db, Guid user, CancellationToken cancellationToken)
    {
        var settings = await db.NotificationSettings.AsNoTracking().FirstOrDefaultAsync(s => s.UserId == user, cancellationToken);
        var chosen = await db.NotificationPreferences.AsNoTracking().Where(p => p.UserId == user).ToDictionaryAsync(p => p.Type, cancellationToken);
        return new PreferencesView(
            settings?.DailyDigest ?? false,
            settings?.DigestHour ?? new Lyceum.Modules.Messaging.NotificationSettings().DigestHour,
            [.. NotificationTypes.All.Select(t => chosen.TryGetValue(t.Key, out var p)
                ? new TypePreference(t.Key, p.InApp, p.Email, p.Sms, t.Defaults)
                : new TypePreference(t.Key, t.Defaults.InApp, t.Defaults.Email, t.Defaults.Sms, t.Defaults))]);
    }
}

public static class NotificationPreferencesEndpoints
{
    public static IEndpointRouteBuilder MapNotificationPreferences(this IEndpointRouteBuilder api)
    {
        api.MapGet("/notifications/preferences", async Task<Results<Ok<PreferencesView>, ProblemHttpResult>> (
                Caller caller, NotificationPreferencesHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, cancellationToken)).ToOk())
            .RequireAuthorization("authenticated")
            .WithTags("Notifications")
            .WithName("GetNotificationPreferences")
            .WithSummary("The signed-in account's channels (in-app, e-mail, SMS) per notification type, and its daily digest");

        api.MapPut("/notifications/preferences", async Task<Results<Ok<PreferencesView>, ProblemHttpResult>> (
                PreferencesChange change, Caller caller, NotificationPreferencesHandler handler, CancellationToken cancellationToken) =>
            (await handler.ChangeAsync(caller, change, cancellationToken)).ToOk())
            .RequireAuthorization("authenticated")
            .WithTags("Notifications")
            .WithName("ChangeNotificationPreferences")
            .WithSummary("Changes some channels of some types, or the daily digest; what is left out stays as it is")
            .ProducesValidationProblem();
        return api;
    }
}
