using Lyceum.Modules.Identity.GetMe;
using Lyceum.Modules.Identity.IssueToken;
using Lyceum.Platform.Startup;

namespace Lyceum.Modules.Identity;

public static class IdentityModule
{
    public static IServiceCollection AddIdentityModule(this IServiceCollection services)
    {
        services.AddStartupTask<EnsureAdministrator>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<ResetAdministratorPassword>();
        services.AddScoped<IssueTokenHandler>();
        services.AddScoped<GetMeHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Identity");
        auth.MapIssueToken();
        api.MapGetMe();
        return api;
    }
}
