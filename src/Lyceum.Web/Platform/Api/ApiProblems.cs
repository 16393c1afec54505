using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Api;

/// <summary>
/// The one place where failures become RFC 9457 problem responses: <see cref="Error"/>s returned by handlers,
/// exceptions thrown while binding a request (bad JSON, wrong types, unknown fields, too large, wrong media type),
/// concurrency conflicts, and bare status codes (401, 403, 404, 405) from the framework.
/// </summary>
public static class ApiProblems
{
    public static ProblemHttpResult ToProblem(this Error error) => error switch
    {
        Error.Validation v => TypedResults.Problem(new HttpValidationProblemDetails(v.Errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = v.Detail,
        }),
        Error.Conflict { Extensions: { } extensions } conflict => TypedResults.Problem(WithExtensions(new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = TitleOf(StatusCodes.Status409Conflict),
            Detail = conflict.Detail,
        }, extensions)),
        _ => TypedResults.Problem(new ProblemDetails
        {
            Status = StatusOf(error),
            Title = TitleOf(StatusOf(error)),
            Detail = error.Detail,
        }),
    };

    private static ProblemDetails WithExtensions(ProblemDetails problem, IReadOnlyDictionary<string, object?> extensions)
    {
        foreach (var (key, value) in extensions)
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    /// <summary>The problem response for an error, with the headers it needs (Retry-After for 429 and 503).</summary>
    public static ProblemHttpResult ToProblem(this Error error, HttpResponse response)
    {
        TimeSpan? retryAfter = error switch
        {
            Error.TooManyRequests tooMany => tooMany.RetryAfter,
            Error.Unavailable unavailable => unavailable.RetryAfter,
            _ => null,
        };
        if (retryAfter is { } after)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return error.ToProblem();
    }

    /// <summary>200 with the value, or the error's problem response (with its headers when given the response).</summary>
    public static Results<Ok<T>, ProblemHttpResult> ToOk<T>(this Result<T> result, HttpResponse? response = null) =>
        result.IsSuccess ? TypedResults.Ok(result.Value)
        : response is null ? result.Error!.ToProblem()
        : result.Error!.ToProblem(response);

    /// <summary>200 with the value and its version as the ETag header, or the error's problem response.</summary>
    public static Results<Ok<T>, ProblemHttpResult> ToOkWithETag<T>(this Result<T> result, HttpResponse response, Func<T, Guid> version)
    {
        if (result.IsSuccess)
        {
            response.Headers.ETag = ETags.For(version(result.Value!));
        }

        return result.ToOk(response);
    }

    /// <summary>
    /// A read of one versioned record: 200 with the value and its ETag, 304 when If-None-Match already names that
    /// version, or the error's problem response.
    /// </summary>
    public static Results<Ok<T>, StatusCodeHttpResult, ProblemHttpResult> ToOkOrNotModified<T>(this Result<T> result, HttpContext http, Func<T, Guid> version)
    {
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }

        var current = version(result.Value!);
        http.Response.Headers.ETag = ETags.For(current);
        return ETags.IsFresh(http.Request, current)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(result.Value);
    }

    public static int StatusOf(Error error) => error switch
    {
        Error.Validation => StatusCodes.Status400BadRequest,
        Error.Unauthorized => StatusCodes.Status401Unauthorized,
        Error.Forbidden => StatusCodes.Status403Forbidden,
        Error.NotFound => StatusCodes.Status404NotFound,
        Error.Conflict => StatusCodes.Status409Conflict,
        Error.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        Error.PreconditionRequired => StatusCodes.Status428PreconditionRequired,
        Error.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        Error.TooManyRequests => StatusCodes.Status429TooManyRequests,
        Error.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    public static string TitleOf(int status) => status switch
    {
        400 => "The request is not valid.",
        401 => "Authentication is required.",
        403 => "You do not have permission to do this.",
        404 => "Not found.",
        405 => "Method not allowed.",
        409 => "The request conflicts with the current state.",
        412 => "The record has changed since you read it.",
        413 => "The request body is too large.",
        415 => "Unsupported media type.",
        422 => "The request cannot be processed.",
        428 => "A precondition is required.",
        429 => "Too many requests.",
        503 => "Service unavailable.",
        _ => "An error occurred.",
    };

    public static IServiceCollection AddApiProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var problem = ctx.ProblemDetails;
            problem.Instance ??= ctx.HttpContext.Request.Path;
            if (problem.Status is { } status && (problem.Title is null || problem.Title == ReasonTitle(status)))
            {
                problem.Title = TitleOf(status);
            }

            problem.Detail ??= problem.Status switch
            {
                401 => "Send 'Authorization: Bearer <accessToken>' with a token from POST /api/v1/auth/token; it may have expired.",
                403 => "Your account's role does not allow this.",
                404 => "There is nothing at this address. The API lives under /api/v1; see /docs.",
                405 => $"{ctx.HttpContext.Request.Method} is not allowed here; see /docs for this route's methods.",
                _ => null,
            };
            problem.Extensions["correlationId"] = ctx.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Binding failures (malformed JSON, wrong types, missing body) reach ApiExceptionHandler instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    private static string? ReasonTitle(int status) => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : null;
}

/// <summary>Maps exceptions to problem responses. Anything unexpected is a 500 whose detail reveals nothing.</summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            JsonException json => FromJson(json),
            // The client went away or the server is stopping mid-request: nothing to blame the caller for.
            OperationCanceledException => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Detail = "The request was cancelled before it completed. Try again.",
            },
            DbUpdateConcurrencyException => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Detail = "Someone else changed this record at the same time. Reload it and apply your change again.",
            },
            _ when Transient(exception) is { } transient => Busy(httpContext, transient),
            _ => null,
        };

        if (problem is null)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Detail = "Something went wrong on our side. The correlation id identifies it in the logs.",
            };
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>
    /// A database error that goes away by itself: the connection pool stayed exhausted for its whole timeout (a burst
    /// larger than the database keeps up with), a connection broke, SQLite's file was locked too long. Nothing was
    /// stored (the transaction did not commit), so the client may simply send the request again.
    /// </summary>
    private static DbException? Transient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true } db)
            {
                return db;
            }
        }

        return null;
    }

    /// <summary>503 with <c>Retry-After</c>: clients and proxies back off and retry instead of reporting a failure.</summary>
    private ProblemDetails Busy(HttpContext httpContext, DbException exception)
    {
        LogBusy(logger, httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        httpContext.Response.Headers.RetryAfter = "1";
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Detail = "The database is busy and nothing was saved. Send the same request again in a moment.",
        };
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            return FromJson(json);
        }

        if (BindFailure().Match(bad.Message) is { Success: true } m)
        {
            // "Failed to bind parameter "Nullable<int> yearGroup" from "abc"." → errors.yearGroup
            return new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [m.Groups["name"].Value] = [m.Groups["type"].Value switch
                {
                    "int" or "long" => "Must be a whole number.",
                    "bool" => "Must be true or false.",
                    "Guid" => "Must be a GUID.",
                    "DateOnly" => "Must be a date (yyyy-MM-dd).",
                    _ => "The value is not valid.",
                }],
            })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = ApiProblems.TitleOf(StatusCodes.Status400BadRequest),
                Detail = "A parameter has the wrong format.",
            };
        }

        return bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Detail = "The request body is larger than this endpoint accepts.",
            },
            StatusCodes.Status415UnsupportedMediaType => new ProblemDetails
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Detail = "Send the body as JSON with 'Content-Type: application/json' (with curl: -H 'Content-Type: application/json').",
            },
            _ => new ProblemDetails
            {
                Status = bad.StatusCode,
                Detail = bad.Message.Contains("body was provided", StringComparison.OrdinalIgnoreCase)
                    ? "A JSON body is required."
                    : "The request could not be read.",
            },
        };
    }

    private static HttpValidationProblemDetails FromJson(JsonException json)
    {
        var field = FieldOf(json);
        var unmapped = json.Message.Contains("could not be mapped", StringComparison.Ordinal);
        var message = unmapped
            ? "This field is not part of the request."
            : json is UncleanTextException
                ? TextInput.Problem
            : field.Length == 0
                ? "The body is not valid JSON."
                : ExpectedValue(json.Message);
        if (json.Message.Contains("could not be mapped", StringComparison.Ordinal) && UnknownProperty(json.Message) is { } unknown
            && !field.EndsWith(unknown, StringComparison.Ordinal))
        {
            field = field.Length == 0 ? unknown : $"{field}.{unknown}";
        }

        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = ApiProblems.TitleOf(StatusCodes.Status400BadRequest),
            Detail = unmapped
                ? $"The body has a field this endpoint does not take: '{field}'. See /docs for the request's fields."
                : "The request body could not be read.",
        };
    }

    /// <summary>What the value should look like, from System.Text.Json's "could not be converted to T".</summary>
    private static string ExpectedValue(string message)
    {
        if (message.Contains("DateOnly", StringComparison.Ordinal))
        {
            return "Must be a date like 2012-03-14.";
        }

        if (message.Contains("DateTime", StringComparison.Ordinal))
        {
            return "Must be a UTC time like 2026-09-01T08:40:00Z.";
        }

        foreach (var type in new[] { "Int32", "Int64", "Decimal", "Double" })
        {
            if (message.Contains($"System.{type}", StringComparison.Ordinal))
            {
                return "Must be a number.";
            }
        }

        if (message.Contains("System.Boolean", StringComparison.Ordinal))
        {
            return "Must be true or false.";
        }

        if (message.Contains("System.String", StringComparison.Ordinal))
        {
            return "Must be a string.";
        }

        var enumType = EnumIn(message);
        return enumType is null
            ? "The value has the wrong type or format."
            : $"Must be one of: {string.Join(", ", Enum.GetNames(enumType).Select(JsonNamingPolicy.CamelCase.ConvertName))}.";
    }

    private static Type? EnumIn(string message)
    {
        var start = message.IndexOf("converted to ", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        // "… could not be converted to System.Nullable`1[Lyceum.Modules.Students.Gender]. Path: …"
        var name = message[(start + "converted to ".Length)..].Split(' ')[0].TrimEnd('.')
            .Replace("System.Nullable`1[", string.Empty, StringComparison.Ordinal).TrimEnd(']');
        return AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("Lyceum", StringComparison.Ordinal) == true)
            .Select(a => a.GetType(name))
            .FirstOrDefault(t => t is { IsEnum: true });
    }

    /// <summary>"$.guardians[0].firstName" → "guardians[0].firstName"; "$" → "".</summary>
    internal static string FieldOf(JsonException json)
    {
        var path = json.Path ?? "$";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string? UnknownProperty(string message)
    {
        // System.Text.Json: "The JSON property 'nickname' could not be mapped to any .NET member contained in type …".
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : null;
    }

    [GeneratedRegex("""^Failed to bind parameter "(?:Nullable<)?(?<type>[\w.]+)>?\?? (?<name>\w+)" from""")]
    private static partial Regex BindFailure();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database busy for {Method} {Path}, answered 503: {Reason}")]
    private static partial void LogBusy(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
