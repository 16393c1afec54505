using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Lyceum.Platform.Access;

public static class AccessModule
{
    public const string SchemeSelector = "lyceum";

    public static IHostApplicationBuilder AddLyceumAccess(this IHostApplicationBuilder builder)
    {
        var jwt = builder.Configuration.GetSection("Lyceum:Jwt").Get<JwtSettings>() ?? new JwtSettings();
        builder.Services.AddSingleton(jwt);

        builder.Services
            .AddIdentityCore<LyceumUser>(o =>
            {
                // Length beats composition rules (NIST SP 800-63B); the identity issue adds breach checks and MFA.
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                o.User.RequireUniqueEmail = true;
                // The user name is the e-mail address, which may hold any character an address may ("o'brien", "zoë").
                o.User.AllowedUserNameCharacters = string.Empty;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<LyceumRole>()
            .AddEntityFrameworkStores<LyceumDbContext>()
            .AddClaimsPrincipalFactory<LyceumClaimsFactory>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        // A set-password link (an invitation, or a new link from the office) lasts a week; setting the password, or a
        // newer link, ends it (the token is bound to the security stamp, which both change).
        builder.Services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromDays(7));
        // The keys behind cookies, anti-forgery tokens and those links live in the database: every node of an install
        // reads the same keys, and a restart signs nobody out and breaks no link.
        builder.Services.AddDataProtection().SetApplicationName("Lyceum").PersistKeysToDbContext<LyceumDbContext>();

        // The API authenticates with bearer tokens only (no cookie, so no cross-site request can act for a user);
        // the pages with Identity's cookie on the same store. One policy scheme picks by path.
        builder.Services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = SchemeSelector;
                o.DefaultChallengeScheme = SchemeSelector;
            })
            .AddPolicyScheme(SchemeSelector, "Bearer token for /api, cookie for pages", o =>
                o.ForwardDefaultSelector = context => context.Request.Path.StartsWithSegments("/api") || IsHubWithToken(context.Request)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : IdentityConstants.ApplicationScheme)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(o =>
            {
                o.LoginPath = "/sign-in";
                o.LogoutPath = "/sign-out";
                o.AccessDeniedPath = "/access-denied";
                o.ReturnUrlParameter = "returnUrl";
                o.Cookie.Name = "lyceum.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8); // a school day; "keep me signed in" makes it persistent
                o.SlidingExpiration = true;
                // A deactivated (or deleted) account's session ends at its next request: the caller is read on every
                // request anyway (CallerScope), so this costs no extra query.
                o.Events.OnValidatePrincipal = async context =>
                {
                    // Identity's own check first: a changed security stamp (a new password) ends older sessions.
                    await SecurityStampValidator.ValidatePrincipalAsync(context);
                    if (context.Principal is { } principal
                        && (await context.HttpContext.RequestServices.GetRequiredService<CallerScope>().CallerAsync(principal)).UserId is null)
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                    }
                };
            }));
        builder.Services
            .AddAuthentication()
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = jwt.Key,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = "name",
                };
                // A token of a deactivated (or deleted) account is refused (401) from the next request, not when it expires.
                o.Events = new JwtBearerEvents
                {
                    // WebSockets cannot carry an Authorization header from a browser: SignalR sends the token as a query value.
                    OnMessageReceived = context =>
                    {
                        if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    OnTokenValidated = async context =>
                    {
                        if (context.Principal is { } principal
                            && (await context.HttpContext.RequestServices.GetRequiredService<CallerScope>().CallerAsync(principal)).UserId is null)
                        {
                            context.Fail("This account is deactivated.");
                        }
                    },
                };
            });

        // Each permission is a policy of its own name: an endpoint says .RequireAuthorization(Permissions.X), and the
        // one AccessService decides. Signed out: 401; signed in without the permission: 403.
        builder.Services.AddSingleton<AccessService>();
        builder.Services.AddScoped<CallerScope>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CallerScopeCircuitHandler>();
        builder.Services.AddScoped<IAuthorizationHandler, PermissionHandler>();
        var policies = builder.Services.AddAuthorizationBuilder()
            .AddPolicy("authenticated", p => p.RequireAuthenticatedUser());
        foreach (var permission in Permissions.All)
        {
            policies.AddPolicy(permission.Name, p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission.Name)));
        }

        return builder;
    }

    /// <summary>
    /// A real-time hub (<c>/hubs/…</c>) reached with a bearer token (API clients, apps) rather than the page's cookie.
    /// </summary>
    private static bool IsHubWithToken(HttpRequest request) =>
        request.Path.StartsWithSegments("/hubs")
        && (request.Query.ContainsKey("access_token") || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase));
}
