using Lyceum.Platform.Audit;

namespace Lyceum.Platform.Startup;

/// <summary>
/// One idempotent step that must finish before the app serves requests (migrate, create the admin, seed the demo).
/// Steps run in registration order, in the background, so that liveness answers at once and readiness tells when
/// the app can serve. Later modules add their own (default attendance codes, grading scales, …).
/// </summary>
public interface IStartupTask
{
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>What the startup steps have reached; read by the readiness check and the not-ready gate.</summary>
public sealed class StartupState
{
    private volatile string _stage = "starting";
    private volatile bool _ready;

    public bool IsReady => _ready;

    public string Stage => _stage;

    public string? LastError { get; private set; }

    internal void Enter(string stage) => _stage = stage;

    internal void Fail(string error) => LastError = error;

    internal void MarkReady()
    {
        _stage = "ready";
        LastError = null;
        _ready = true;
    }
}

/// <summary>Runs every <see cref="IStartupTask"/> in order; retries from the first with backoff until all succeed.</summary>
internal sealed partial class StartupRunner(
    IEnumerable<IStartupTask> tasks, StartupState state, ILogger<StartupRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        using var actor = AuditActor.Begin(new AuditActor(null, "system:startup"));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var task in tasks)
                {
                    state.Enter(task.Name);
                    LogStep(logger, task.Name);
                    await task.RunAsync(stoppingToken);
                }

                state.MarkReady();
                LogReady(logger);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                state.Fail(ex.Message);
                LogFailed(logger, ex, state.Stage, delay);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Startup: {Step}")]
    private static partial void LogStep(ILogger logger, string step);

    [LoggerMessage(Level = LogLevel.Information, Message = "Startup complete: ready to serve")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Startup step {Step} failed; retrying in {Delay}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string step, TimeSpan delay);
}

public static class StartupModule
{
    public static IServiceCollection AddStartupTask<T>(this IServiceCollection services)
        where T : class, IStartupTask
    {
        services.AddSingleton<T>();
        services.AddSingleton<IStartupTask>(sp => sp.GetRequiredService<T>());
        return services;
    }

    public static IServiceCollection AddLyceumStartup(this IServiceCollection services)
    {
        services.AddSingleton<StartupState>();
        services.AddHostedService<StartupRunner>();
        return services;
    }

    /// <summary>Until startup is done, everything but health, metrics and docs answers 503 with Retry-After.</summary>
    public static IApplicationBuilder UseNotReadyGate(this IApplicationBuilder app)
    {
        var state = app.ApplicationServices.GetRequiredService<StartupState>();
        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (state.IsReady || path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics")
                || path.StartsWithSegments("/docs") || path.StartsWithSegments("/openapi"))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Lyceum is starting",
                    Detail = $"The app is still preparing the database ({state.Stage}). Try again in a few seconds.",
                },
            });
        });
    }
}
