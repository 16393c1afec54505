using Lyceum.Modules.Tutoring.Finance;
using Lyceum.Modules.Tutoring.Sessions;
using Lyceum.Platform.Access;

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
            .AddScoped<TutoringSessionsHandler>()
            .AddScoped<AvailabilityHandler>()
            .AddTutoringFinance();

    public static IEndpointRouteBuilder MapTutoringEndpoints(this IEndpointRouteBuilder api) =>
        api.MapTutoringSessions().MapTutoringFinance();
}
