using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Messaging.Dispatch;

/// <summary>Where an account's mail and texts go: its sign-in e-mail, and the phone of the account or of its person.</summary>
public sealed record Recipient(Guid UserId, string Name, string? Email, string? Phone);

public static class Recipients
{
    public static async Task<Dictionary<Guid, Recipient>> FindAsync(LyceumDbContext db, IReadOnlyCollection<Guid> users, CancellationToken cancellationToken)
    {
        var accounts = await db.Users.Where(u => users.Contains(u.Id) && u.DeactivatedAt == null)
            .Select(u => new { u.Id, u.DisplayName, u.Email, u.PhoneNumber })
            .ToListAsync(cancellationToken);
        var guardians = await db.Guardians.Where(g => g.UserId != null && users.Contains(g.UserId.Value) && g.Phone != null)
            .Select(g => new { UserId = g.UserId!.Value, g.Phone }).ToListAsync(cancellationToken);
        var staff = await db.Staff.Where(s => s.UserId != null && users.Contains(s.UserId.Value) && s.Phone != null)
            .Select(s => new { UserId = s.UserId!.Value, s.Phone }).ToListAsync(cancellationToken);
        var students = await db.Students.Where(s => s.UserId != null && users.Contains(s.UserId.Value) && s.Phone != null)
            .Select(s => new { UserId = s.UserId!.Value, s.Phone }).ToListAsync(cancellationToken);
        var phones = guardians.Concat(staff).Concat(students).GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => g.First().Phone);
        return accounts.ToDictionary(
            a => a.Id,
            a => new Recipient(a.Id, a.DisplayName, a.Email, a.PhoneNumber is { Length: > 0 } own ? own : phones.GetValueOrDefault(a.Id)));
    }
}
