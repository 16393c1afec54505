using Lyceum.Modules.Staff;
using Lyceum.Platform.Data;
using Lyceum.Platform.Demo;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.Demo;

/// <summary>
/// One sign-in per role preset in the first demo school, linked to real people of that school: the headteacher
/// (administrator), the office manager (moderator), the teacher with most sections, a tutor, a guardian of two
/// children, and one of those children. All share <c>Lyceum:Demo:Password</c>, or a generated password printed once.
/// </summary>
/// <remarks>
/// Runs inside the school's seeding transaction, so it writes through the same context (a second connection would
/// wait on SQLite's write lock) and hashes with a plain <see cref="PasswordHasher{TUser}"/>.
/// </remarks>
public sealed class DemoAccounts(IConfiguration configuration, TimeProvider clock) : IDemoContributor
{
    public const string Domain = "demo.lyceum.local";

    public int Order => 10;

    public async Task ContributeAsync(DemoSchool school, LyceumDbContext db, IProgress<string> progress, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == Normalize($"administrator@{Domain}"), cancellationToken))
        {
            return;
        }

        var schoolId = school.School.Id;
        var staff = await db.Staff.Where(s => s.SchoolId == schoolId).ToListAsync(cancellationToken);
        var teacherId = await db.Sections.Where(s => s.Course!.SchoolId == schoolId)
            .GroupBy(s => s.TeacherId).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key)
            .FirstAsync(cancellationToken);
        var guardian = await db.Guardians.Where(g => g.SchoolId == schoolId)
            .OrderByDescending(g => g.Students.Count).ThenBy(g => g.Id)
            .Select(g => new { g.Id, Child = g.Students.OrderBy(s => s.StudentId).Select(s => s.StudentId).First() })
            .FirstAsync(cancellationToken);
        var guardianRecord = await db.Guardians.FirstAsync(g => g.Id == guardian.Id, cancellationToken);
        var child = await db.Students.FirstAsync(s => s.Id == guardian.Child, cancellationToken);
        var tutor = new StaffMember
        {
            SchoolId = schoolId,
            StaffNumber = "TU001",
            FirstName = school.Faker.PickRandom("Daniel", "Sofia", "Nikos", "Amara"),
            LastName = school.Faker.PickRandom("Petrou", "Lewis", "Okafor", "Novak"),
            Email = $"tutor.staff@{Domain}",
            JobTitle = "Tutor",
        };
        db.Staff.Add(tutor);
        await db.SaveChangesAsync(cancellationToken);

        var configured = configuration["Lyceum:Demo:Password"];
        var password = string.IsNullOrEmpty(configured) ? EnsureAdministrator.NewPassword() : configured;
        var roles = await db.Roles.ToDictionaryAsync(r => r.Name!, r => r.Id, cancellationToken);
        var hasher = new PasswordHasher<LyceumUser>();
        var accounts = new (string Role, string Name, Action<Guid> Link)[]
        {
            (RoleNames.Administrator, "Demo Administrator", id => staff.First(s => s.JobTitle == "Headteacher").UserId = id),
            (RoleNames.Moderator, "Demo Moderator", id => staff.First(s => s.JobTitle == "Office Manager").UserId = id),
            (RoleNames.Teacher, "Demo Teacher", id => staff.First(s => s.Id == teacherId).UserId = id),
            (RoleNames.Tutor, "Demo Tutor", id => tutor.UserId = id),
            (RoleNames.Guardian, "Demo Guardian", id => guardianRecord.UserId = id),
            (RoleNames.Student, "Demo Student", id => child.UserId = id),
        };
        foreach (var (role, name, link) in accounts)
        {
            var email = $"{role.ToLowerInvariant()}@{Domain}";
            var user = new LyceumUser
            {
                Id = Guid.CreateVersion7(),
                UserName = email,
                NormalizedUserName = Normalize(email),
                Email = email,
                NormalizedEmail = Normalize(email),
                EmailConfirmed = true,
                DisplayName = name,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                ConcurrencyStamp = Guid.NewGuid().ToString(),
                LockoutEnabled = true,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            user.PasswordHash = hasher.HashPassword(user, password);
            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = user.Id, RoleId = roles[role] });
            link(user.Id);
        }

        foreach (var member in staff.Where(s => s.UserId is not null))
        {
            db.Entry(member).Property(s => s.UserId).IsModified = true;
        }

        // The seeding context does not detect changes by itself; saved through it, the links are in the audit trail.
        db.Entry(tutor).Property(s => s.UserId).IsModified = true;
        db.Entry(guardianRecord).Property(g => g.UserId).IsModified = true;
        db.Entry(child).Property(s => s.UserId).IsModified = true;
        await db.SaveChangesAsync(cancellationToken);
        progress.Report($"  demo accounts: {string.Join(", ", accounts.Select(a => $"{a.Role.ToLowerInvariant()}@{Domain}"))}");
        if (string.IsNullOrEmpty(configured))
        {
            EnsureAdministrator.PrintOnce($"<role>@{Domain}", password, "Demo accounts");
        }
    }

    private static string Normalize(string email) => email.ToUpperInvariant();
}
