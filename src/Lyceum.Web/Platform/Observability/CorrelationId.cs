using System.Diagnostics;

namespace Lyceum.Platform.Observability;

/// <summary>
/// Every request carries a correlation id: the caller's <c>X-Correlation-Id</c> when it is sane, else a new one. It is
/// echoed in the response, put in the log scope of everything the request logs, and shown in problem responses.
/// </summary>
public static partial class CorrelationId
{
    public const string Header = "X-Correlation-Id";

    public static IApplicationBuilder UseCorrelationId(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Lyceum.Requests");
        return app.Use(async (context, next) =>
        {
            var incoming = context.Request.Headers[Header].ToString();
            var id = IsSane(incoming) ? incoming : Activity.Current?.TraceId.ToHexString() ?? Guid.NewGuid().ToString("N");
            context.TraceIdentifier = id;
            context.Response.Headers[Header] = id;
            using (RequestScope(logger, id))
            {
                var started = Stopwatch.GetTimestamp();
                await next(context);
                var path = context.Request.Path;
                // One line per request; probes and scrapes only at Debug so they do not drown the rest.
                var level = path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics") ? LogLevel.Debug : LogLevel.Information;
                if (logger.IsEnabled(level))
                {
                    LogRequest(logger, level, context.Request.Method, path, context.Response.StatusCode,
                        Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        });
    }

    // Structured ("CorrelationId" in JSON logs) and readable in the simple console format alike.
    private static readonly Func<ILogger, string, IDisposable?> RequestScope =
        LoggerMessage.DefineScope<string>("CorrelationId:{CorrelationId}");

    [LoggerMessage(Message = "{Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string path, int statusCode, double elapsedMs);

    /// <summary>At most 64 characters of letters, digits and - _ . : so that a header cannot inject into logs.</summary>
    internal static bool IsSane(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
