using System.Globalization;
using System.Linq.Expressions;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Records;

/// <summary>
/// A kind whose records belong to one school: created in a school the caller may configure, listed per school
/// (<c>?schoolId=</c>), and never moved to another school by an edit.
/// </summary>
public abstract class SchoolOwnedKind<TEntity, TRequest, TView> : RecordKind<TEntity, TRequest, TView>
    where TEntity : Entity, IArchivable, ISchoolOwned
    where TRequest : class
    where TView : class, IRecordView
{
    public override IReadOnlyList<string> Filters { get; } = ["schoolId"];

    public override IQueryable<TEntity> Filter(IQueryable<TEntity> rows, string filter, int value) =>
        filter == "schoolId" ? rows.Where(x => x.SchoolId == value) : rows;

    /// <summary>The school the request names.</summary>
    protected abstract int? SchoolOf(TRequest request);

    public sealed override async Task ValidateAsync(RecordContext context, TRequest request, TEntity? existing, FieldErrors errors, CancellationToken cancellationToken)
    {
        // The school, once known to be one the caller may change; until then no check may look into it (a "name
        // taken" or "overlaps" answer would tell about another school's records).
        int? school = null;
        if (SchoolOf(request) is not { } named)
        {
            errors.Add("schoolId", "This field is required.");
        }
        else if (existing is not null && named != existing.SchoolId)
        {
            errors.Add("schoolId", $"A {Noun} stays in its school. Add one to the other school instead.");
        }
        else if (existing is not null || await context.ReachesAsync<School>(named, cancellationToken))
        {
            school = named;
        }
        else
        {
            errors.Add("schoolId", $"There is no school {named} that you can add to (or it is archived).");
        }

        await ValidateFieldsAsync(context, request, existing, school, errors, cancellationToken);
        if (UniqueInSchool is { } unique && school is { } schoolId && !string.IsNullOrWhiteSpace(unique.Value(request)))
        {
            var value = new Boxed<string>(unique.Value(request)!.Trim());
            var inSchool = new Boxed<int>(schoolId);
            var id = new Boxed<int>(existing?.Id ?? 0);
            // x => x.SchoolId == school && column(x) == value && x.Id != id, with the values as query parameters.
            var row = unique.Column.Parameters[0];
            var taken = Expression.Lambda<Func<TEntity, bool>>(
                Expression.AndAlso(
                    Expression.AndAlso(
                        Expression.Equal(Expression.Property(row, nameof(ISchoolOwned.SchoolId)), Boxed<int>.Read(inSchool)),
                        Expression.Equal(unique.Column.Body, Boxed<string>.Read(value))),
                    Expression.NotEqual(Expression.Property(row, nameof(Entity.Id)), Boxed<int>.Read(id))),
                row);
            if (await context.Db.Set<TEntity>().AnyAsync(taken, cancellationToken))
            {
                errors.Add(unique.Field, string.Format(CultureInfo.InvariantCulture, unique.Message, value.Value));
            }
        }
    }

    /// <summary>
    /// The text field that is unique within a school (a room's name, a department's code): its JSON name, its
    /// column, its value in a request, and the message when it is taken ({0} is the value).
    /// </summary>
    protected virtual (string Field, Expression<Func<TEntity, string>> Column, Func<TRequest, string?> Value, string Message)? UniqueInSchool => null;

    public override (string Field, string Message)? DuplicateField(TRequest request) =>
        UniqueInSchool is { } unique
            ? (unique.Field, string.Format(CultureInfo.InvariantCulture, unique.Message, unique.Value(request)?.Trim()))
            : null;

    /// <summary>A value a query reads as a parameter (a member of a constant), not as a literal in its SQL.</summary>
    private sealed class Boxed<T>(T value)
    {
        public T Value { get; } = value;

        public static Expression Read(Boxed<T> box) => Expression.Property(Expression.Constant(box), nameof(Value));
    }

    /// <summary>
    /// The kind's own checks. <paramref name="schoolId"/> is the request's school when the caller may change it, else
    /// null: only then may a check query that school's records.
    /// </summary>
    protected abstract Task ValidateFieldsAsync(RecordContext context, TRequest request, TEntity? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken);
}

/// <summary>What still refers to a record, in words: "it has 3 terms and 1 section."</summary>
public static class InUse
{
    public static async Task<string?> DescribeAsync(CancellationToken cancellationToken, params (string What, Func<Task<int>> Count)[] references)
    {
        var parts = new List<string>();
        foreach (var (what, count) in references)
        {
            // One at a time: the counts share one DbContext, which runs one query at once.
            cancellationToken.ThrowIfCancellationRequested();
            if (await count() is var n and > 0)
            {
                parts.Add($"{n} {what}");
            }
        }

        return parts.Count == 0 ? null : $"{string.Join(", ", parts)} still refer to it.";
    }
}
