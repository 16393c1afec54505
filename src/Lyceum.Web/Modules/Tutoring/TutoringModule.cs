using Lyceum.Modules.Tutoring.Demo;
using Lyceum.Modules.Tutoring.Feeds;
using Lyceum.Modules.Tutoring.Finance;
using Lyceum.Modules.Tutoring.Sessions;
using Lyceum.Platform.Access;
using Lyceum.Platform.Demo;

namespace Lyceum.Modules.Tutoring;

/// <summary>
/// Tutoring: sessions (one-off and recurring by RFC 5545 rules), tutor availability and clash checks, one-tap logging,
/// rates, revenue, invoices and payments, and private iCal feeds. See README.md beside this file.
/// </summary>
public static class TutoringModule
{
    public static IServiceCollection AddTutoringModule(this IServiceCollection services) =>
        services
            .AddSingleton<ScopeRules<TutoringSession>, TutoringSessionScopes>()
            .AddSingleton<ScopeRules<Invoice>, InvoiceScopes>()
            .AddSingleton<SessionWeekCache>()
            .AddSingleton<CalendarQueryGate>()
            .AddScoped<TutoringSessionsHandler>()
            .AddScoped<AvailabilityHandler>()
            .AddScoped<CalendarFeedsHandler>()
            .AddSingleton<IDemoContributor, TutoringDemo>()
            .AddTutoringFinance();

    public static IEndpointRouteBuilder MapTutoringEndpoints(this IEndpointRouteBuilder api) =>
        api.MapTutoringSessions().MapCalendarFeedSettings().MapTutoringFinance();

    /// <summary>What the module serves outside <c>/api/v1</c>: the private calendar feeds, <c>/ical/{token}.ics</c>.</summary>
    public static IEndpointRouteBuilder MapTutoringFeeds(this IEndpointRouteBuilder app) => app.MapCalendarFeedDownloads();
}
