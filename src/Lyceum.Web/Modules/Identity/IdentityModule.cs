using Lyceum.Modules.Identity.Accounts;
using Lyceum.Modules.Identity.Demo;
using Lyceum.Modules.Identity.GetMe;
using Lyceum.Modules.Identity.IssueToken;
using Lyceum.Modules.Identity.ListAccounts;
using Lyceum.Modules.Identity.RefreshAccessToken;
using Lyceum.Modules.Identity.RevokeToken;
using Lyceum.Modules.Identity.Roles;
using Lyceum.Modules.Identity.UserRoles;
using Lyceum.Platform.Demo;
using Lyceum.Platform.Startup;

namespace Lyceum.Modules.Identity;

public static class IdentityModule
{
    public static IServiceCollection AddIdentityModule(this IServiceCollection services)
    {
        services.AddStartupTask<EnsureAdministrator>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<IDemoContributor, DemoAccounts>();
        services.AddSingleton<SignInLimiter>();
        services.AddSingleton<ResetAdministratorPassword>();
        services.AddScoped<CredentialsChecker>();
        services.AddScoped<IssueTokenHandler>();
        services.AddScoped<RefreshAccessTokenHandler>();
        services.AddScoped<RevokeTokenHandler>();
        services.AddScoped<GetMeHandler>();
        services.AddScoped<ListRolesHandler>();
        services.AddScoped<GetRoleHandler>();
        services.AddScoped<CreateRoleHandler>();
        services.AddScoped<EditRoleHandler>();
        services.AddScoped<DeleteRoleHandler>();
        services.AddScoped<UserRolesHandler>();
        services.AddScoped<AccountsHandler>();
        services.AddScoped<AccountActions>();
        services.AddScoped<ListAccountsHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Identity");
        auth.MapIssueToken();
        auth.MapRefreshAccessToken();
        auth.MapRevokeToken();
        api.MapGetMe();

        var roles = api.MapGroup("/roles").WithTags("Roles");
        roles.MapListRoles();
        roles.MapGetRole();
        roles.MapCreateRole();
        roles.MapEditRole();
        roles.MapDeleteRole();
        api.MapListPermissions();
        api.MapUserRoles();
        api.MapAccounts();
        return api;
    }
}
