using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Lyceum.Platform.Api;

/// <summary>The API contract every module follows: <c>/api/v1</c>, JSON in camelCase, OpenAPI 3.1, docs at <c>/docs</c>.</summary>
public static class ApiModule
{
    public const string BearerScheme = "Bearer";

    public static IHostApplicationBuilder AddLyceumApi(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // A field the client sends that we do not know is a mistake worth telling, not something to ignore.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.Converters.Add(new CleanStringConverter());
            o.SerializerOptions.MaxDepth = 32;
        });

        var maxBody = MaxRequestBodyBytes(builder.Configuration);
        builder.WebHostBuilderOrNull()?.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxBody);

        builder.Services.AddApiProblems();
        builder.Services.AddHostedService<IdempotencyPurge>();
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Lyceum API",
                    Version = "v1",
                    Description = "The open REST API of Lyceum. Get a token from POST /api/v1/auth/token and send it as " +
                                  "'Authorization: Bearer …'. Errors are RFC 9457 problem details.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An access token from POST /api/v1/auth/token.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IdempotencyKeyMetadata>().Any())
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = IdempotencyKeys.Header,
                        In = ParameterLocation.Header,
                        Description = "Optional. A key of your choosing (a UUID) to retry this create safely for 24 hours: the same key " +
                                      "answers the first result again (Idempotent-Replayed: true); with another body it is 422.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotentRequest.MaxKeyLength },
                    });
                }

                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary><c>Lyceum:Api:MaxRequestBodyBytes</c>, 1 MiB by default.</summary>
    public static long MaxRequestBodyBytes(IConfiguration configuration) =>
        configuration.GetValue<long?>("Lyceum:Api:MaxRequestBodyBytes") ?? 1_048_576;

    /// <summary>
    /// Refuses a declared body over the limit with 413 before anything reads it. Kestrel enforces the same limit on
    /// bodies without a length (chunked); this makes the answer the same on every server, the test host included.
    /// Runs after routing, so an endpoint that takes files raises its own limit with
    /// <c>.WithMetadata(new RequestSizeLimitAttribute(…))</c>.
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app)
    {
        var defaultMax = MaxRequestBodyBytes(app.ApplicationServices.GetRequiredService<IConfiguration>());
        return app.Use(async (context, next) =>
        {
            var max = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? defaultMax;
            if (context.Request.ContentLength > max)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status413PayloadTooLarge,
                        Detail = $"The request body is larger than the {max:N0} bytes this endpoint accepts.",
                    },
                });
                return;
            }

            await next(context);
        });
    }

    /// <summary>The versioned root every module maps its route group under.</summary>
    public static RouteGroupBuilder MapApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o =>
        {
            o.WithTitle("Lyceum API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddPreferredSecuritySchemes([BearerScheme])
                .DisableAgent()
                .DisableMcp();
            // A school's API docs stay on the school's server: no vendor toolbar, no telemetry.
            o.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            o.Telemetry = false;
            o.PersistentAuthentication = false;
        });
        return app.MapGroup("/api/v1");
    }

    private static IWebHostBuilder? WebHostBuilderOrNull(this IHostApplicationBuilder builder) =>
        (builder as WebApplicationBuilder)?.WebHost;
}
