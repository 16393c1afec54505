using Lyceum.Platform.Api;
using Lyceum.Platform.Audit;
using Lyceum.Platform.Startup;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Lyceum.Platform.Observability;

public static class ObservabilityModule
{
    /// <summary>Health checks, the shared cache (Redis when <c>Redis:Configuration</c> is set, else in memory) and graceful shutdown.</summary>
    public static IHostApplicationBuilder AddLyceumObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddLyceumHealth();
        var redis = builder.Configuration["Redis:Configuration"];
        if (string.IsNullOrWhiteSpace(redis))
        {
            builder.Services.AddDistributedMemoryCache();
        }
        else
        {
            builder.Services.AddStackExchangeRedisCache(o =>
            {
                o.Configuration = redis;
                o.InstanceName = "lyceum:";
            });
            // Redis is a cache and a backplane: without it a node still serves (degraded), so readiness stays 200.
            builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, ["ready"]);
        }

        // In-flight requests get this long to finish after SIGTERM before the process exits.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout =
            TimeSpan.FromSeconds(builder.Configuration.GetValue("Lyceum:ShutdownTimeoutSeconds", 30)));
        return builder;
    }

    /// <summary>A browser asking for a page (not the API): its bare status codes become the app's pages, not problem JSON.</summary>
    private static bool WantsPage(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/api")
        && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>The middleware every request passes, in order. Program.cs calls this once.</summary>
    public static WebApplication UseLyceumPipeline(this WebApplication app)
    {
        app.UseCorrelationId();
        app.UseRequestLocalization();
        // A person in a browser who asks for a page that is not there gets the app's "not found" page, not JSON.
        // Before routing, so that the re-executed request is routed to that page.
        app.UseWhen(WantsPage, html => html.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseRouting();
        // Per-route request counters and durations: http_requests_received_total{endpoint="/api/v1/students/"}.
        // Outside the exception handler, so a request that failed binding is counted with the 400 it got.
        app.UseHttpMetrics();
        app.Use(async (context, next) =>
        {
            // The exception handler clears the endpoint before it writes the problem: put it back so that the
            // metrics above still name the route.
            var endpoint = context.GetEndpoint();
            await next(context);
            if (context.GetEndpoint() is null && endpoint is not null)
            {
                context.SetEndpoint(endpoint);
            }
        });
        app.UseExceptionHandler();
        app.UseWhen(context => !WantsPage(context), problems => problems.UseStatusCodePages());
        app.UseNotReadyGate();
        app.UseRequestBodyLimit();
        app.UseAuthentication();
        app.UseAuditActor();
        app.UseAuthorization();
        app.UseIdempotencyKeys();
        app.UseAntiforgery();
        app.MapLyceumHealth();
        app.MapMetrics("/metrics").ExcludeFromDescription();
        return app;
    }
}

internal sealed class RedisHealthCheck(IDistributedCache cache) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await cache.GetAsync("health", timeout.Token);
            return HealthCheckResult.Healthy("reachable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded("unreachable: " + ex.GetType().Name);
        }
    }
}
