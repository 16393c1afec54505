using System.Linq.Expressions;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Lyceum.Modules.Students.ListStudents;

/// <summary>A row of the students list.</summary>
public sealed record StudentListItem(
    int Id,
    int SchoolId,
    string StudentNumber,
    string FirstName,
    string LastName,
    string? PreferredName,
    DateOnly DateOfBirth,
    int YearGroup,
    string? FormGroup,
    bool Archived);

/// <summary>Filters beyond the common list parameters.</summary>
public sealed record StudentFilter(int? SchoolId = null, int? YearGroup = null, bool IncludeArchived = false);

/// <summary>Pages through the students the caller may see, searching name, preferred name and student number.</summary>
public sealed class ListStudentsHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, IMemoryCache cache)
{
    private static readonly Dictionary<string, Expression<Func<Student, object?>>> SortFields = new(StringComparer.Ordinal)
    {
        ["lastName"] = s => s.LastName,
        ["firstName"] = s => s.FirstName,
        ["dateOfBirth"] = s => s.DateOfBirth,
        ["yearGroup"] = s => s.YearGroup,
        ["formGroup"] = s => s.FormGroup ?? string.Empty, // NULLs first on both databases
        ["studentNumber"] = s => s.StudentNumber,
    };

    /// <summary>
    /// The same sorts for a search: by an expression no index has (<c>"LastName" || ''</c>), so that the database finds
    /// the matches first (from the trigram index) and sorts those few, rather than walking the name index in order and
    /// testing each student against the search until a page is full — a walk through thousands of rows when the
    /// matches sort late.
    /// </summary>
    private static readonly Dictionary<string, Expression<Func<Student, object?>>> SearchSortFields = new(SortFields, StringComparer.Ordinal)
    {
        ["lastName"] = s => s.LastName + "",
        ["firstName"] = s => s.FirstName + "",
    };

    private static readonly SortField[] DefaultSort = [new("lastName", false), new("firstName", false)];

    public static IReadOnlyCollection<string> Sortable => SortFields.Keys;

    public async Task<Result<PagedResult<StudentListItem>>> HandleAsync(
        Caller caller, ListQuery query, StudentFilter filter, CancellationToken cancellationToken)
    {
        var parsed = query.Parse(Sortable);
        if (!parsed.IsSuccess)
        {
            return parsed.Error!;
        }

        var request = parsed.Value!;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var students = access.Reachable(db.Students.AsNoTracking(), caller, Permissions.StudentsView);
        if (!filter.IncludeArchived)
        {
            students = students.Where(s => s.ArchivedAt == null);
        }

        if (filter.SchoolId is { } schoolId)
        {
            students = students.Where(s => s.SchoolId == schoolId);
        }

        if (filter.YearGroup is { } yearGroup)
        {
            students = students.Where(s => s.YearGroup == yearGroup);
        }

        if (request.Q is { } q)
        {
            // Both sides folded in .NET (see ISearchable): the same matches on SQLite and PostgreSQL. The search
            // capability brings ranking and typo tolerance. Each word must match: "Adams, Ben" finds Ben Adams.
            // Indexed on both databases: PostgreSQL answers this LIKE from a trigram index (pg_trgm); SQLite from an
            // FTS5 trigram table over the same column (migration StudentSearchIndex), asked with MATCH because its
            // index serves a phrase of three characters or more. Shorter words scan, as they would match most rows.
            var sqlite = db.Database.IsSqlite();
            var phrases = new List<string>();
            foreach (var term in SearchFolding.Terms(q))
            {
                if (sqlite && term.EnumerateRunes().Count() >= 3)
                {
                    phrases.Add("\"" + term.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
                }
                else
                {
                    var pattern = $"%{Like.Escape(term)}%";
                    students = students.Where(s => EF.Functions.Like(s.SearchText, pattern, Like.EscapeCharacter));
                }
            }

            if (phrases.Count > 0)
            {
                // One MATCH for all the words ("eve" "smi": both, anywhere): one index lookup, however many words.
                var match = string.Join(' ', phrases);
                var matching = db.Database.SqlQuery<int>($"SELECT rowid AS \"Value\" FROM \"StudentSearch\" WHERE \"StudentSearch\" MATCH {match}");
                students = students.Where(s => matching.Contains(s.Id));
            }
        }

        var total = await students.CountAsync(cancellationToken);

        // Find the page's ids first (an index-only walk past the offset), then read only those rows: skipping
        // thousands of full rows was most of the cost of a deep page.
        var ids = await students
            .SortBy(request.Sort, request.Q is null ? SortFields : SearchSortFields, DefaultSort, s => s.Id)
            .Skip(request.Skip)
            .Take(request.PageSize)
            .Select(s => s.Id)
            .ToListAsync(cancellationToken);
        var rows = ids.Count == 0 ? [] : await db.Students.AsNoTracking()
            .Where(s => ids.Contains(s.Id))
            .Select(s => new StudentListItem(
                s.Id, s.SchoolId, s.StudentNumber, s.FirstName, s.LastName, s.PreferredName,
                s.DateOfBirth, s.YearGroup, s.FormGroup, s.ArchivedAt != null))
            .ToListAsync(cancellationToken);
        var position = ids.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);

        return new PagedResult<StudentListItem>([.. rows.OrderBy(r => position[r.Id])], request.Page, request.PageSize, total);
    }

    /// <summary>
    /// The year groups of the current students the caller may see, for the list's filter. Kept for a minute per reach
    /// (<see cref="Caller.ReachKey"/>): reading them is a scan of every reachable student, on every page load, for a
    /// list that changes once a year.
    /// </summary>
    public async Task<IReadOnlyList<int>> YearGroupsAsync(Caller caller, CancellationToken cancellationToken)
    {
        var key = (nameof(YearGroupsAsync), caller.ReachKey(Permissions.StudentsView));
        if (cache.TryGetValue(key, out IReadOnlyList<int>? years) && years is not null)
        {
            return years;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        years = await access.Reachable(db.Students.AsNoTracking(), caller, Permissions.StudentsView)
            .Where(s => s.ArchivedAt == null)
            .Select(s => s.YearGroup).Distinct().OrderBy(y => y)
            .ToListAsync(cancellationToken);
        return cache.Set(key, years, YearGroupsLifetime);
    }

    /// <summary>How long a year-group list is kept: a new year group shows in the filter within this time.</summary>
    public static readonly TimeSpan YearGroupsLifetime = TimeSpan.FromMinutes(1);
}
