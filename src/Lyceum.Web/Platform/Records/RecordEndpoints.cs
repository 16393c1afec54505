using System.Globalization;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Platform.Records;

/// <summary>
/// Maps one kind's endpoints under <c>/api/v1/{route}</c>: <c>GET /</c> (a page; <c>q</c>, <c>sort</c>, the kind's
/// filters, <c>includeArchived</c>), <c>GET /{id}</c> (ETag), <c>POST /</c> (201), <c>PUT /{id}</c> (If-Match),
/// <c>POST /{id}/archive</c> and <c>/restore</c> (idempotent), <c>DELETE /{id}</c> (409 while in use).
/// </summary>
public static class RecordEndpoints
{
    public static RouteGroupBuilder MapRecords<TEntity, TRequest, TView>(this IEndpointRouteBuilder api, RecordKind<TEntity, TRequest, TView> kind)
        where TEntity : Entity, IArchivable
        where TRequest : class
        where TView : class, IRecordView
    {
        var one = Pascal(kind.Noun);
        var many = Pascal(kind.Route.Replace('-', ' '));
        var group = api.MapGroup("/" + kind.Route).WithTags(kind.Tag);

        group.MapGet("/", async Task<Results<Ok<PagedResult<TView>>, ProblemHttpResult>> (
                [AsParameters] ListQuery query, bool? includeArchived, HttpContext http, Caller caller,
                RecordHandler<TEntity, TRequest, TView> handler, CancellationToken cancellationToken) =>
            {
                var filters = new Dictionary<string, int>(StringComparer.Ordinal);
                var errors = new FieldErrors();
                foreach (var name in kind.Filters)
                {
                    if (http.Request.Query[name] is { Count: > 0 } text)
                    {
                        if (int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                        {
                            filters[name] = value;
                        }
                        else
                        {
                            errors.Add(name, "Must be a record id (a whole number).");
                        }
                    }
                }

                if (errors.Any)
                {
                    return errors.ToError().ToProblem();
                }

                return (await handler.ListAsync(caller, query, filters, includeArchived ?? false, cancellationToken)).ToOk();
            })
            .RequireAuthorization(kind.ViewPermission)
            .WithName("List" + many)
            .WithSummary($"List {kind.Route.Replace('-', ' ')}, a page at a time")
            .WithDescription("Sortable fields: " + string.Join(", ", kind.SortFields.Keys) + ". " +
                (kind.Filters.Count > 0 ? "Filters (record ids): " + string.Join(", ", kind.Filters) + ". " : "") +
                "Archived records are left out unless includeArchived=true.")
            .ProducesValidationProblem();

        group.MapGet("/{id:int}", async Task<Results<Ok<TView>, StatusCodeHttpResult, ProblemHttpResult>> (
                int id, HttpContext http, Caller caller, RecordHandler<TEntity, TRequest, TView> handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOkOrNotModified(http, v => v.Version))
            .RequireAuthorization(kind.ViewPermission)
            .WithName("Get" + one)
            .WithSummary($"One {kind.Noun}")
            .WithDescription("The ETag header carries the record's version: send it back in If-Match to update.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", async Task<Results<Created<TView>, ProblemHttpResult>> (
                HttpContext http, Caller caller, RecordHandler<TEntity, TRequest, TView> handler, CancellationToken cancellationToken) =>
            {
                var request = await ReadBodyAsync<TRequest>(http, cancellationToken);
                if (!request.IsSuccess)
                {
                    return request.Error!.ToProblem();
                }

                var result = await handler.CreateAsync(caller, request.Value!, cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error!.ToProblem();
                }

                http.Response.Headers.ETag = ETags.For(result.Value!.Version);
                return TypedResults.Created($"/api/v1/{kind.Route}/{result.Value.Id}", result.Value);
            })
            .Accepts<TRequest>("application/json")
            .RequireAuthorization(kind.CreatePermission)
            .WithName("Create" + one)
            .WithSummary($"Add a {kind.Noun}")
            .WithDescription("Send an Idempotency-Key header to retry safely: the same key answers the first result again.")
            .WithIdempotencyKey()
            .ProducesValidationProblem();

        group.MapPut("/{id:int}", async Task<Results<Ok<TView>, ProblemHttpResult>> (
                int id, HttpContext http, Caller caller, RecordHandler<TEntity, TRequest, TView> handler, CancellationToken cancellationToken) =>
            {
                var version = ETags.ReadIfMatch(http.Request);
                if (!version.IsSuccess)
                {
                    return version.Error!.ToProblem();
                }

                var request = await ReadBodyAsync<TRequest>(http, cancellationToken);
                if (!request.IsSuccess)
                {
                    return request.Error!.ToProblem();
                }

                return (await handler.EditAsync(caller, id, version.Value, request.Value!, cancellationToken)).ToOkWithETag(http.Response, v => v.Version);
            })
            .Accepts<TRequest>("application/json")
            .RequireAuthorization(kind.EditPermission)
            .WithName("Edit" + one)
            .WithSummary($"Change a {kind.Noun} (every field; If-Match required)")
            .WithDescription("412 when the record changed since the ETag was read, 428 without If-Match, 409 when it is archived.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        MapArchive(group, kind, one, archive: true);
        MapArchive(group, kind, one, archive: false);

        group.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (
                int id, Caller caller, RecordHandler<TEntity, TRequest, TView> handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.DeleteAsync(caller, id, cancellationToken);
                return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
            })
            .RequireAuthorization(kind.DeletePermission)
            .WithName("Delete" + one)
            .WithSummary($"Delete a {kind.Noun} that nothing refers to")
            .WithDescription("409 with the reason while other records refer to it: archive it instead.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    private static void MapArchive<TEntity, TRequest, TView>(RouteGroupBuilder group, RecordKind<TEntity, TRequest, TView> kind, string one, bool archive)
        where TEntity : Entity, IArchivable
        where TRequest : class
        where TView : class, IRecordView =>
        group.MapPost(archive ? "/{id:int}/archive" : "/{id:int}/restore", async Task<Results<Ok<TView>, ProblemHttpResult>> (
                int id, HttpContext http, Caller caller, RecordHandler<TEntity, TRequest, TView> handler, CancellationToken cancellationToken) =>
            (await handler.ArchiveAsync(caller, id, archive, cancellationToken)).ToOkWithETag(http.Response, v => v.Version))
            .RequireAuthorization(kind.EditPermission)
            .WithName((archive ? "Archive" : "Restore") + one)
            .WithSummary(archive
                ? $"Archive a {kind.Noun}: kept and readable, but left out of lists and new links"
                : $"Restore an archived {kind.Noun}")
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>
    /// Reads the JSON body with the API's serializer options. Read here rather than bound as a handler parameter: the
    /// route-handler analyzer of .NET 10 crashes on a parameter whose type is a type parameter (dotnet/aspnetcore#56831,
    /// fixed in .NET 11), and a crashed analyzer checks nothing else in the project. Malformed JSON throws a
    /// <see cref="System.Text.Json.JsonException"/>, which the API's exception handler answers as 400 naming the field.
    /// </summary>
    private static async Task<Result<T>> ReadBodyAsync<T>(HttpContext http, CancellationToken cancellationToken)
    {
        if (!http.Request.HasJsonContentType())
        {
            return new Error.UnsupportedMediaType("Send the record as JSON, with Content-Type: application/json.");
        }

        var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        return await http.Request.ReadFromJsonAsync<T>(options, cancellationToken) is { } body
            ? body
            : Error.Field("body", "Send the record as a JSON object.");
    }

    /// <summary>"academic year" → "AcademicYear".</summary>
    private static string Pascal(string words) =>
        string.Concat(words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>Registers a kind and its handler.</summary>
    public static IServiceCollection AddRecordKind<TEntity, TRequest, TView>(this IServiceCollection services, RecordKind<TEntity, TRequest, TView> kind)
        where TEntity : Entity, IArchivable
        where TRequest : class
        where TView : class, IRecordView
    {
        services.AddSingleton(kind);
        services.AddScoped<RecordHandler<TEntity, TRequest, TView>>();
        return services;
    }
}
