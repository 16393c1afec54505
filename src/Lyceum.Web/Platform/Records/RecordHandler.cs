using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Records;

/// <summary>
/// The use cases of one <see cref="RecordKind{TEntity, TRequest, TView}"/>, the same for every kind: pages and the API
/// call these. Reads and writes are narrowed to what the caller's grants reach (outside: not found).
/// </summary>
public sealed class RecordHandler<TEntity, TRequest, TView>(
    IDbContextFactory<LyceumDbContext> contexts, AccessService access, RecordKind<TEntity, TRequest, TView> kind, TimeProvider clock)
    where TEntity : Entity, IArchivable
    where TRequest : class
    where TView : class, IRecordView
{
    public RecordKind<TEntity, TRequest, TView> Kind => kind;

    public async Task<Result<PagedResult<TView>>> ListAsync(
        Caller caller, ListQuery query, IReadOnlyDictionary<string, int> filters, bool includeArchived, CancellationToken cancellationToken)
    {
        var parsed = query.Parse(kind.SortFields.Keys.ToList());
        if (!parsed.IsSuccess)
        {
            return parsed.Error!;
        }

        var request = parsed.Value!;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = access.Reachable(db.Set<TEntity>().AsNoTracking(), caller, kind.ViewPermission);
        if (!includeArchived)
        {
            rows = rows.Where(r => r.ArchivedAt == null);
        }

        foreach (var (name, value) in filters)
        {
            rows = kind.Filter(rows, name, value);
        }

        if (request.Q is { } q)
        {
            foreach (var term in SearchFolding.Terms(q))
            {
                rows = rows.Where(kind.Matches($"%{Like.Escape(term)}%"));
            }
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.SortBy(request.Sort, kind.SortFields, kind.DefaultSort, r => r.Id)
            .Skip(request.Skip).Take(request.PageSize)
            .Select(kind.View)
            .ToListAsync(cancellationToken);
        return new PagedResult<TView>(items, request.Page, request.PageSize, total);
    }

    public async Task<Result<TView>> GetAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ReadAsync(db, caller, id, cancellationToken) is { } view ? view : NotFound(id);
    }

    public async Task<Result<TView>> CreateAsync(Caller caller, TRequest request, CancellationToken cancellationToken)
    {
        if (kind.CreateRefusal(caller) is { } refusal)
        {
            return new Error.Forbidden(refusal);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var errors = new FieldErrors();
        await kind.ValidateAsync(new RecordContext(db, caller, access, kind.CreatePermission), request, null, errors, cancellationToken);
        if (errors.Any)
        {
            return errors.ToError();
        }

        var entity = kind.Create(request);
        db.Add(entity);
        if (await SaveAsync(db, request, cancellationToken) is { } clash)
        {
            return clash;
        }

        // Saved: answer it even if the client has gone, so that a retry with an Idempotency-Key finds the answer kept.
        return await ReadAsync(db, caller, entity.Id, CancellationToken.None) is { } view ? view : NotFound(entity.Id);
    }

    public async Task<Result<TView>> EditAsync(Caller caller, int id, Guid expectedVersion, TRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await kind.ForEdit(Editable(db, caller)).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (entity is null)
        {
            return NotFound(id);
        }

        if (entity.Version != expectedVersion)
        {
            return Stale;
        }

        if (entity.ArchivedAt is not null)
        {
            return new Error.Conflict($"This {kind.Noun} is archived. Restore it before editing it.");
        }

        var errors = new FieldErrors();
        await kind.ValidateAsync(new RecordContext(db, caller, access, kind.EditPermission), request, entity, errors, cancellationToken);
        if (errors.Any)
        {
            return errors.ToError();
        }

        kind.Apply(request, entity);
        if (db.Entry(entity).State == EntityState.Unchanged && db.ChangeTracker.HasChanges())
        {
            // Only its child rows changed (a section's meetings): the record still gets a new version, so that a
            // concurrent edit of the same version fails instead of silently replacing them.
            db.Entry(entity).Property(e => e.UpdatedAt).IsModified = true;
        }

        if (await SaveAsync(db, request, cancellationToken) is { } clash)
        {
            return clash;
        }

        return await ReadAsync(db, caller, id, cancellationToken) is { } view ? view : NotFound(id);
    }

    /// <summary>Archives or restores; doing it twice is the same as once (a retry answers the record as it is).</summary>
    public async Task<Result<TView>> ArchiveAsync(Caller caller, int id, bool archive, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await Editable(db, caller).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (entity is null)
        {
            return NotFound(id);
        }

        if (!archive && entity.ArchivedAt is not null && await kind.RestoreRefusalAsync(db, entity, cancellationToken) is { } reason)
        {
            return new Error.Conflict($"This {kind.Noun} cannot be restored: {reason}");
        }

        if ((entity.ArchivedAt is not null) != archive)
        {
            entity.ArchivedAt = archive ? clock.GetUtcNow().UtcDateTime : null;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Someone else changed it meanwhile: if they archived (or restored) it too, the outcome is the same;
                // otherwise say so rather than answer a state that was not reached.
                db.ChangeTracker.Clear();
                if (await ReadAsync(db, caller, id, cancellationToken) is not { } now || now.Archived != archive)
                {
                    return Stale;
                }
            }
        }

        return await ReadAsync(db, caller, id, cancellationToken) is { } view ? view : NotFound(id);
    }

    /// <summary>Deletes a record nothing refers to; otherwise 409 saying what still does (archive it instead).</summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await Editable(db, caller, kind.DeletePermission).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (entity is null)
        {
            return NotFound(id);
        }

        if (await kind.InUseAsync(db, entity, cancellationToken) is { } reason)
        {
            return new Error.Conflict($"This {kind.Noun} cannot be deleted: {reason} Archive it instead.");
        }

        db.Remove(entity);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Deleted by someone else meanwhile (gone: done), or changed (still there: say so).
            db.ChangeTracker.Clear();
            return await db.Set<TEntity>().AnyAsync(r => r.Id == id, cancellationToken) ? Stale : true;
        }
        catch (DbUpdateException)
        {
            // Something came to refer to it between the check and the delete: the foreign key refused.
            return new Error.Conflict($"This {kind.Noun} cannot be deleted: other records refer to it. Archive it instead.");
        }

        return true;
    }

    /// <summary>
    /// Whether the caller's <paramref name="permission"/> reaches this record (a teacher's <c>staff.edit</c> reaches
    /// their own record, not a colleague's): a form offers only the buttons that would work.
    /// </summary>
    public async Task<bool> ReachesAsync(Caller caller, int id, string permission, CancellationToken cancellationToken)
    {
        if (!caller.Can(permission))
        {
            return false;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Editable(db, caller, permission).AnyAsync(r => r.Id == id, cancellationToken);
    }

    private IQueryable<TEntity> Editable(LyceumDbContext db, Caller caller, string? permission = null) =>
        access.Reachable(db.Set<TEntity>(), caller, permission ?? kind.EditPermission, kind.ViewPermission);

    private async Task<TView?> ReadAsync(LyceumDbContext db, Caller caller, int id, CancellationToken cancellationToken) =>
        await access.Reachable(db.Set<TEntity>().AsNoTracking(), caller, kind.ViewPermission)
            .Where(r => r.Id == id)
            .Select(kind.View)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>Saves; a unique-index clash (two creates of the same name at once) becomes the kind's field error.</summary>
    private async Task<Error?> SaveAsync(LyceumDbContext db, TRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException) when (db.ChangeTracker.Entries<TEntity>().Any(e => e.State == EntityState.Added))
        {
            // A create fails this way only when something it claimed (a teacher's week) changed at the same moment.
            return new Error.Conflict($"Something this {kind.Noun} depends on changed at the same moment. Send it again.");
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale;
        }
        catch (DbUpdateException ex) when (UniqueViolation.Is(ex) && kind.DuplicateField(request) is { } duplicate)
        {
            return Error.Field(duplicate.Field, duplicate.Message);
        }
    }

    private Error.NotFound NotFound(int id) => new($"There is no {kind.Noun} {id}.");

    private Error.PreconditionFailed Stale =>
        new($"This {kind.Noun} was changed by someone else since you read it. Reload it and apply your change again.");
}
