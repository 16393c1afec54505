using Lyceum.Components;
using Lyceum.Modules.Dashboard;
using Lyceum.Modules.Identity.SignIn;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Radzen;

namespace Lyceum.Platform.Ui;

/// <summary>
/// The web pages: a Blazor Web App on the same host as the API. Staff pages render interactively on the server; the
/// sign-in page is a plain server-rendered form. Every text goes through <c>IStringLocalizer&lt;Text&gt;</c>.
/// </summary>
public static class UiModule
{
    public static IHostApplicationBuilder AddLyceumUi(this IHostApplicationBuilder builder)
    {
        // The SDK serves _framework and _content assets from the build output only with this outside Development.
        (builder as WebApplicationBuilder)?.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddRadzenComponents();
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            // English now; Greek joins the list when its texts arrive.
            string[] cultures = ["en"];
            o.SetDefaultCulture(cultures[0]).AddSupportedCultures(cultures).AddSupportedUICultures(cultures);
        });
        builder.Services.AddScoped<SignInHandler>();
        builder.Services.AddScoped<Lyceum.Modules.Identity.SetPassword.SetPasswordHandler>();
        builder.Services.AddScoped<GetDashboardHandler>();
        builder.Services.AddScoped<Lyceum.Platform.Records.RecordOptions>();
        return builder;
    }

    public static WebApplication MapLyceumUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapPost("/sign-out", async (HttpContext http, IAntiforgery antiforgery, SignInManager<LyceumUser> signIns) =>
            {
                // A form post from our own page only: another site cannot sign people out.
                if (!await antiforgery.IsRequestValidAsync(http))
                {
                    return Results.BadRequest();
                }

                await signIns.SignOutAsync();
                return Results.LocalRedirect("/sign-in");
            })
            .ExcludeFromDescription();
        return app;
    }
}
