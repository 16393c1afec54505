using System.Linq.Expressions;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Records;

/// <summary>What every record view carries: its id and its version (the ETag).</summary>
public interface IRecordView
{
    int Id { get; }

    Guid Version { get; }

    bool Archived { get; }
}

/// <summary>
/// What a kind needs to validate a request: a short-lived context, the caller, and whether the caller's grants of the
/// kind's edit permission reach a record the request refers to (the school it is added to, the year of a term).
/// </summary>
public sealed record RecordContext(LyceumDbContext Db, Caller Caller, AccessService Access, string Permission)
{
    /// <summary>Whether <typeparamref name="T"/> <paramref name="id"/> exists, is within reach and is not archived.</summary>
    public async Task<bool> ReachesAsync<T>(int id, CancellationToken cancellationToken)
        where T : Entity, IArchivable =>
        await Access.Reachable(Db.Set<T>().AsNoTracking(), Caller, Permission)
            .AnyAsync(x => x.Id == id && x.ArchivedAt == null, cancellationToken);

    /// <summary>Adds "there is no such …" to <paramref name="field"/> unless the referenced record is within reach.</summary>
    public async Task RequireAsync<T>(FieldErrors errors, string field, int? id, string noun, CancellationToken cancellationToken)
        where T : Entity, IArchivable
    {
        if (id is not { } value)
        {
            errors.Add(field, "This field is required.");
        }
        else if (!await ReachesAsync<T>(value, cancellationToken))
        {
            errors.Add(field, $"There is no {noun} {value} that you can add to (or it is archived).");
        }
    }
}

/// <summary>
/// One kind of reference record (a school, a room, a term…) as the generic record endpoints serve it: list, read,
/// create, edit (If-Match), archive, restore and delete (refused with 409 and the reason while anything depends on
/// it). A kind says what differs — its route, permissions, view, sort fields, search, validation, how a request
/// becomes an entity and what depends on it — and <see cref="RecordEndpoints"/> does the rest the same way for all.
/// </summary>
public abstract class RecordKind<TEntity, TRequest, TView>
    where TEntity : Entity, IArchivable
    where TRequest : class
    where TView : class, IRecordView
{
    /// <summary>The path segment under <c>/api/v1</c>, e.g. <c>academic-years</c>.</summary>
    public abstract string Route { get; }

    /// <summary>The record's name in messages and OpenAPI, e.g. "academic year".</summary>
    public abstract string Noun { get; }

    /// <summary>The OpenAPI tag, e.g. "School structure".</summary>
    public virtual string Tag => "School structure";

    public virtual string ViewPermission => Permissions.SchoolView;

    public virtual string EditPermission => Permissions.SchoolConfigure;

    /// <summary>Adding a record; the edit permission unless the kind splits them (students: an office may add).</summary>
    public virtual string CreatePermission => EditPermission;

    /// <summary>Deleting a record; the edit permission unless the kind keeps deleting for administrators.</summary>
    public virtual string DeletePermission => EditPermission;

    public abstract Expression<Func<TEntity, TView>> View { get; }

    public abstract IReadOnlyDictionary<string, Expression<Func<TEntity, object?>>> SortFields { get; }

    public abstract IReadOnlyList<SortField> DefaultSort { get; }

    /// <summary>Rows whose searched text contains <paramref name="pattern"/> (a lower-case LIKE pattern, escaped).</summary>
    public abstract Expression<Func<TEntity, bool>> Matches(string pattern);

    /// <summary>Why the caller may not create this kind at all (403), beyond the edit permission; null when they may.</summary>
    public virtual string? CreateRefusal(Caller caller) => null;

    /// <summary>Whole-number filters the list takes besides the common ones, e.g. <c>schoolId</c>.</summary>
    public virtual IReadOnlyList<string> Filters => [];

    public virtual IQueryable<TEntity> Filter(IQueryable<TEntity> rows, string filter, int value) => rows;

    /// <summary>What an edit loads besides the row itself (the child rows <see cref="Apply"/> replaces).</summary>
    public virtual IQueryable<TEntity> ForEdit(IQueryable<TEntity> rows) => rows;

    /// <summary>Checks a create (<paramref name="existing"/> null) or an edit; adds what is wrong to <paramref name="errors"/>.</summary>
    public abstract Task ValidateAsync(RecordContext context, TRequest request, TEntity? existing, FieldErrors errors, CancellationToken cancellationToken);

    /// <summary>A new entity from a valid request.</summary>
    public abstract TEntity Create(TRequest request);

    /// <summary>Copies a valid request onto a stored entity (PUT: every field).</summary>
    public abstract void Apply(TRequest request, TEntity entity);

    /// <summary>Why an archived record cannot come back as it is (a section whose slots were taken meanwhile), or null.</summary>
    public virtual Task<string?> RestoreRefusalAsync(LyceumDbContext db, TEntity entity, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    /// <summary>Why the record cannot be deleted (what still refers to it), or null when nothing does.</summary>
    public abstract Task<string?> InUseAsync(LyceumDbContext db, TEntity entity, CancellationToken cancellationToken);

    /// <summary>The field a unique-index clash on save is reported on, with its message; null lets it be a 409.</summary>
    public virtual (string Field, string Message)? DuplicateField(TRequest request) => null;
}
