using Lyceum.Modules.Identity.Accounts;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Tutoring.Feeds;

public static class CalendarFeedsEndpoints
{
    public const string ContentType = "text/calendar; charset=utf-8";

    /// <summary>The signed-in user's own feed: <c>/api/v1/me/calendar-feed</c>.</summary>
    public static IEndpointRouteBuilder MapCalendarFeedSettings(this IEndpointRouteBuilder api)
    {
        var feed = api.MapGroup("/me/calendar-feed").WithTags("Tutoring");

        feed.MapGet("/", async Task<Results<Ok<CalendarFeedStatus>, ProblemHttpResult>> (
                Caller caller, CalendarFeedsHandler handler, CancellationToken cancellationToken) =>
            (await handler.StatusAsync(caller, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.SessionsView)
            .WithName("GetCalendarFeed")
            .WithSummary("Whether you have a private calendar feed of your sessions (its address is shown only when it is made)");

        feed.MapPost("/", async Task<Results<Created<CalendarFeedLink>, ProblemHttpResult>> (
                Caller caller, HttpContext http, CalendarFeedsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.CreateAsync(caller, Site(http), cancellationToken);
                return result.IsSuccess ? TypedResults.Created("/api/v1/me/calendar-feed", result.Value) : result.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.SessionsView)
            .WithName("CreateCalendarFeed")
            .WithSummary("Make a new private calendar feed of your sessions; the old address stops working")
            .WithDescription("Answers the feed's url, /ical/{token}.ics, once: only a hash of the token is kept. Add it to Google Calendar " +
                "(Other calendars › From URL), Outlook (Add calendar › Subscribe from web) or any app that subscribes to iCalendar. " +
                "It holds the sessions you may see from 90 days back to a year ahead, and needs no sign-in: keep it private.");

        feed.MapDelete("/", async Task<Results<NoContent, ProblemHttpResult>> (
                Caller caller, CalendarFeedsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.RevokeAsync(caller, cancellationToken);
                return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.SessionsView)
            .WithName("RevokeCalendarFeed")
            .WithSummary("Turn your calendar feed off: its address answers 404 from now on");

        return api;
    }

    /// <summary>The feed itself: <c>/ical/{token}.ics</c>, outside /api and without sign-in (the token is the key).</summary>
    public static IEndpointRouteBuilder MapCalendarFeedDownloads(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/ical/{token}.ics", [HttpMethods.Get, HttpMethods.Head], async Task<Results<ContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> (
                string token, HttpContext http, CalendarFeedsHandler handler, CancellationToken cancellationToken) =>
            {
                // Private to its holder: no shared cache keeps it, and the calendar app fetches it again within minutes.
                http.Response.Headers.CacheControl = "private, max-age=300";
                http.Response.Headers["X-Robots-Tag"] = "noindex";
                var feed = await handler.ReadAsync(token, cancellationToken);
                if (feed is null)
                {
                    http.Response.Headers.CacheControl = "no-store";
                    return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
                        detail: "There is no calendar feed at this address: it was turned off or replaced by a newer one.");
                }

                http.Response.Headers.ETag = feed.ETag;
                if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == feed.ETag)))
                {
                    return TypedResults.StatusCode(StatusCodes.Status304NotModified);
                }

                return TypedResults.Text(feed.Text, ContentType);
            })
            .AllowAnonymous()
            .WithTags("Tutoring")
            .WithName("ReadCalendarFeed")
            .WithSummary("A private iCalendar (RFC 5545) feed of one user's sessions")
            .Produces(StatusCodes.Status200OK, contentType: "text/calendar")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static Uri Site(HttpContext http) =>
        AccountsHandler.SiteFor(http.RequestServices.GetRequiredService<IConfiguration>(),
            new($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/"));
}
