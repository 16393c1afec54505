using Lyceum.Platform.Access;

namespace Lyceum.Platform.Audit;

public static class AuditModule
{
    public static IServiceCollection AddLyceumAudit(this IServiceCollection services)
    {
        services.AddScoped<ListAuditEntriesHandler>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, AuditActorCircuitHandler>();
        return services;
    }

    /// <summary>
    /// Makes the signed-in account (or "anonymous") and the request's correlation id the <see cref="AuditActor"/> of
    /// everything the request saves. Runs after authentication.
    /// </summary>
    public static IApplicationBuilder UseAuditActor(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var actor = AccountClaims.UserId(context.User) is { } id
                ? new AuditActor(id, AccountClaims.Label(context.User, id), context.TraceIdentifier)
                : new AuditActor(null, "anonymous", context.TraceIdentifier);
            using (AuditActor.Begin(actor))
            {
                await next(context);
            }
        });

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/audit").WithTags("Audit").MapListAuditEntries();
        return api;
    }
}
