using System.Security.Claims;

namespace Lyceum.Platform.Audit;

public static class AuditModule
{
    public static IServiceCollection AddLyceumAudit(this IServiceCollection services)
    {
        services.AddScoped<ListAuditEntriesHandler>();
        return services;
    }

    /// <summary>
    /// Makes the signed-in account (or "anonymous") and the request's correlation id the <see cref="AuditActor"/> of
    /// everything the request saves. Runs after authentication.
    /// </summary>
    public static IApplicationBuilder UseAuditActor(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var user = context.User;
            var actor = user.Identity?.IsAuthenticated == true && Guid.TryParse(user.FindFirstValue("sub"), out var id)
                ? new AuditActor(id, user.FindFirstValue("email") is { Length: > 0 } email ? email : id.ToString(), context.TraceIdentifier)
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
