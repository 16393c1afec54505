using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Platform.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Tutoring;

/// <summary>
/// A school's tutoring calendar version: <see cref="Stamp"/> changes in the same save as any change of what the
/// calendar shows there (a session, its students, or the name of a tutor, student or branch), written by
/// <see cref="CalendarStampInterceptor"/>. Readers that cache a week (every app node its own copy) compare it with one
/// primary-key read per request; it is also the week's ETag.
/// </summary>
public sealed class CalendarStamp : IUnaudited
{
    public int SchoolId { get; set; }

    public School? School { get; set; }

    public Guid Stamp { get; set; }

    public DateTime ChangedAt { get; set; }
}

internal sealed class CalendarStampConfiguration : IEntityTypeConfiguration<CalendarStamp>
{
    public void Configure(EntityTypeBuilder<CalendarStamp> b)
    {
        b.ToTable("TutoringCalendarStamps");
        b.HasKey(x => x.SchoolId);
        b.Property(x => x.SchoolId).ValueGeneratedNever();
        b.HasOne(x => x.School).WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Changes the <see cref="CalendarStamp"/> of every school whose calendar a save touches, inside that save (so in its
/// transaction: a reader never sees the new stamp with the old rows). Renames count: the calendar shows names. A new
/// school gets its stamp row in the save that creates it (the migration gave existing schools theirs), so concurrent
/// writers only ever update the row, never race to insert it.
/// Bulk statements (ExecuteUpdate, raw SQL) bypass it; code that writes sessions that way must change the stamp itself.
/// </summary>
public sealed class CalendarStampInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context)
        {
            var (entries, schools, sessions) = Touched(context);
            if (sessions.Count > 0)
            {
                schools.UnionWith(context.Set<TutoringSession>().Where(s => sessions.Contains(s.Id)).Select(s => s.SchoolId).ToList());
            }

            Stamp(context, entries, schools, schools.Count == 0 ? [] : [.. context.Set<CalendarStamp>().Where(s => schools.Contains(s.SchoolId))]);
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            var (entries, schools, sessions) = Touched(context);
            if (sessions.Count > 0)
            {
                schools.UnionWith(await context.Set<TutoringSession>().Where(s => sessions.Contains(s.Id)).Select(s => s.SchoolId).ToListAsync(cancellationToken));
            }

            Stamp(context, entries, schools, schools.Count == 0 ? [] : await context.Set<CalendarStamp>().Where(s => schools.Contains(s.SchoolId)).ToListAsync(cancellationToken));
        }

        return result;
    }

    private void Stamp(DbContext context, List<EntityEntry> entries, HashSet<int> schools, IReadOnlyList<CalendarStamp> stamps)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var tracked = entries.Select(e => e.Entity).OfType<CalendarStamp>().ToList();
        foreach (var school in entries.Where(e => e.State == EntityState.Added).Select(e => e.Entity).OfType<School>().ToList())
        {
            // Not twice when a failed save that adds the school is retried.
            if (!tracked.Any(s => ReferenceEquals(s.School, school)))
            {
                context.Add(new CalendarStamp { School = school, Stamp = Guid.NewGuid(), ChangedAt = now });
            }
        }

        foreach (var school in schools)
        {
            if (stamps.FirstOrDefault(s => s.SchoolId == school) is { } stamp)
            {
                var entry = context.Entry(stamp);
                entry.Property(s => s.Stamp).CurrentValue = Guid.NewGuid();
                entry.Property(s => s.ChangedAt).CurrentValue = now;
            }
            else
            {
                // A school created by a node without this hook (a rolling deploy) or by bulk SQL; not expected.
                context.Add(new CalendarStamp { SchoolId = school, Stamp = Guid.NewGuid(), ChangedAt = now });
            }
        }
    }

    /// <summary>The stored schools a save touches, and the sessions (of changed student links) whose school is not loaded.</summary>
    /// <remarks>The save's entries are listed once here (listing them detects changes: a pass over every tracked row).</remarks>
    private static (List<EntityEntry> Entries, HashSet<int> Schools, List<int> Sessions) Touched(DbContext context)
    {
        var schools = new HashSet<int>();
        var sessions = new List<int>();
        var entries = context.ChangeTracker.Entries().ToList();
        Dictionary<int, TutoringSession>? loaded = null;
        foreach (var entry in entries)
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            switch (entry.Entity)
            {
                case TutoringSessionStudent link:
                    var sessionId = entry.State == EntityState.Deleted ? (int)entry.OriginalValues[nameof(TutoringSessionStudent.SessionId)]! : link.SessionId;
                    loaded ??= entries.Select(e => e.Entity).OfType<TutoringSession>().Where(x => x.Id > 0).ToDictionary(x => x.Id);
                    if ((link.Session ?? loaded.GetValueOrDefault(sessionId)) is { SchoolId: > 0 } session)
                    {
                        schools.Add(session.SchoolId);
                    }
                    else if (sessionId > 0)
                    {
                        sessions.Add(sessionId);
                    }

                    break;
                case TutoringSession or TutoringSeries:
                case StaffMember or Student or Branch when entry.State != EntityState.Added:
                    // Both schools when a row moved from one to another.
                    schools.Add(((Platform.Data.ISchoolOwned)entry.Entity).SchoolId);
                    if (entry.State == EntityState.Modified && entry.OriginalValues[nameof(Platform.Data.ISchoolOwned.SchoolId)] is int before)
                    {
                        schools.Add(before);
                    }

                    break;
            }
        }

        schools.Remove(0);
        return (entries, schools, sessions);
    }
}
