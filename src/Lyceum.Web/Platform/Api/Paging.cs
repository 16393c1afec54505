using System.ComponentModel;
using System.Linq.Expressions;
using Microsoft.AspNetCore.Mvc;

namespace Lyceum.Platform.Api;

/// <summary>One page of a list: the shape every list endpoint of <c>/api/v1</c> returns.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);

/// <summary>
/// The query string every list endpoint accepts: <c>?page=1&amp;pageSize=25&amp;q=…&amp;sort=lastName,-dateOfBirth</c>.
/// Bound as text so that a bad value answers 400 naming the parameter rather than a generic binding failure.
/// </summary>
public sealed record ListQuery(
    [property: FromQuery(Name = "page"), Description("Page number, from 1. Default 1.")] string? Page,
    [property: FromQuery(Name = "pageSize"), Description("Items per page, 1–100. Default 25.")] string? PageSize,
    [property: FromQuery(Name = "q"), Description("Search text (at most 100 characters).")] string? Q,
    [property: FromQuery(Name = "sort"), Description("Comma-separated fields; prefix with '-' for descending, e.g. 'lastName,-dateOfBirth'.")] string? Sort)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
    public const int MaxSearchLength = 100;

    /// <summary>The largest number of rows a page may skip: an offset must fit the databases' 32-bit arithmetic.</summary>
    public const int MaxOffset = 100_000_000;

    /// <summary>Checks the values against the list's sortable fields and returns the parsed form or the field errors.</summary>
    public Result<ListRequest> Parse(IReadOnlyCollection<string> sortableFields)
    {
        var errors = new FieldErrors();
        var page = 1;
        if (Page is not null && (!int.TryParse(Page, out page) || page < 1))
        {
            errors.Add("page", long.TryParse(Page, out var big) && big > int.MaxValue
                ? "Is beyond the last possible page."
                : "Must be a whole number of at least 1.");
        }

        var pageSize = DefaultPageSize;
        if (PageSize is not null && (!int.TryParse(PageSize, out pageSize) || pageSize < 1 || pageSize > MaxPageSize))
        {
            errors.Add("pageSize", $"Must be a whole number from 1 to {MaxPageSize}.");
        }

        if (page > 1 && pageSize > 0 && (long)(page - 1) * pageSize > MaxOffset)
        {
            errors.Add("page", $"Is beyond the last possible page for a page size of {pageSize}.");
        }

        var q = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim();
        if (q is { Length: > MaxSearchLength })
        {
            errors.Add("q", $"Must be at most {MaxSearchLength} characters.");
        }
        else
        {
            TextInput.Check(errors, "q", q);
        }

        var sort = new List<SortField>();
        if (!string.IsNullOrWhiteSpace(Sort))
        {
            foreach (var part in Sort.Split(',', StringSplitOptions.TrimEntries))
            {
                var descending = part.StartsWith('-');
                var name = descending ? part[1..] : part;
                var known = sortableFields.FirstOrDefault(f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase));
                if (known is null)
                {
                    errors.Add("sort", $"'{part}' is not a sortable field. Use: {string.Join(", ", sortableFields)}.");
                }
                else if (sort.All(s => s.Field != known))
                {
                    sort.Add(new SortField(known, descending));
                }
            }
        }

        return errors.Any ? errors.ToError() : new ListRequest(page, pageSize, q, sort);
    }
}

public sealed record SortField(string Field, bool Descending);

/// <summary>A validated list request.</summary>
public sealed record ListRequest(int Page, int PageSize, string? Q, IReadOnlyList<SortField> Sort)
{
    public int Skip => (Page - 1) * PageSize;
}

public static class SortingExtensions
{
    /// <summary>
    /// Applies the requested sort (or the default) from a map of field name to key selector, then the id, so that
    /// paging is stable when values tie.
    /// </summary>
    public static IQueryable<T> SortBy<T, TKey>(
        this IQueryable<T> query,
        IReadOnlyList<SortField> sort,
        IReadOnlyDictionary<string, Expression<Func<T, object?>>> fields,
        IReadOnlyList<SortField> defaultSort,
        Expression<Func<T, TKey>> id)
    {
        IOrderedQueryable<T>? ordered = null;
        foreach (var s in sort.Count > 0 ? sort : defaultSort)
        {
            var key = fields[s.Field];
            ordered = ordered is null
                ? s.Descending ? query.OrderByDescending(key) : query.OrderBy(key)
                : s.Descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);
        }

        return ordered is null ? query.OrderBy(id) : ordered.ThenBy(id);
    }
}
