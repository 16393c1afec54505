using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace Lyceum.Platform.Access;

public static class AccessModule
{
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
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<LyceumRole>()
            .AddEntityFrameworkStores<LyceumDbContext>();

        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
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
            });

        // Each permission is a policy of its own name: an endpoint says .RequireAuthorization(Permissions.X), and the
        // one AccessService decides. Signed out: 401; signed in without the permission: 403.
        builder.Services.AddSingleton<AccessService>();
        builder.Services.AddScoped<IAuthorizationHandler, PermissionHandler>();
        var policies = builder.Services.AddAuthorizationBuilder()
            .AddPolicy("authenticated", p => p.RequireAuthenticatedUser());
        foreach (var permission in Permissions.All)
        {
            policies.AddPolicy(permission.Name, p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission.Name)));
        }

        return builder;
    }
}
