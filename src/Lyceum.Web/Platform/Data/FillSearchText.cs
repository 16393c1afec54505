using Lyceum.Platform.Startup;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Data;

/// <summary>
/// Fills the search text of records saved before their kind became searchable (a migration adds the column empty,
/// and only .NET can fold text the way the search does). A no-op once done: it looks only for empty texts.
/// </summary>
public sealed class FillSearchText(IDbContextFactory<LyceumDbContext> contexts) : IStartupTask
{
    private const int Batch = 500;

    public string Name => "filling search texts";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await FillAsync<Lyceum.Modules.Students.Guardian>(cancellationToken);
        await FillAsync<Lyceum.Modules.Staff.StaffMember>(cancellationToken);
        await FillAsync<Lyceum.Modules.Students.Student>(cancellationToken);
    }

    private async Task FillAsync<T>(CancellationToken cancellationToken)
        where T : Entity, ISearchable
    {
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var rows = await db.Set<T>().Where(x => x.SearchText == string.Empty).OrderBy(x => x.Id).Take(Batch).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                row.SearchText = SearchFolding.TextOf(row);
            }

            // A record with nothing to search keeps an empty text: stop rather than read it again.
            if (rows.Count == 0 || !db.ChangeTracker.HasChanges())
            {
                return;
            }

            await db.SaveChangesAsync(cancellationToken);
            if (rows.Count < Batch)
            {
                return;
            }
        }
    }
}
