using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Data;

/// <summary>
/// A claim on a record that a check depends on: the record is tracked with the version read now and marked changed,
/// so the save carries "WHERE Version = this one" and renews it. Of two writes that passed the same check at the same
/// moment (places left in a section, a teacher's free slot), the second then fails instead of both landing.
/// </summary>
public static class VersionClaims
{
    /// <summary>Claims each <typeparamref name="T"/> that <paramref name="which"/> finds (a few rows), if any. Read them before the check.</summary>
    public static async Task ClaimAsync<T>(this LyceumDbContext db, Expression<Func<T, bool>> which, CancellationToken cancellationToken)
        where T : Entity
    {
        foreach (var tracked in await db.Set<T>().Where(which).ToListAsync(cancellationToken))
        {
            db.Entry(tracked).Property(x => x.UpdatedAt).IsModified = true;
        }
    }
}
