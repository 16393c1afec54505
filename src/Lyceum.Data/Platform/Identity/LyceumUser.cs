using Microsoft.AspNetCore.Identity;

namespace Lyceum.Platform.Identity;

/// <summary>A sign-in account. People (staff, guardians, students) are records of their own; an account may link to one.</summary>
public sealed class LyceumUser : IdentityUser<Guid>
{
    public required string DisplayName { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// When an administrator deactivated the account: it cannot sign in, its sessions and tokens stop working at their
    /// next request, and it grants nothing. Reactivating clears it. The account and its history stay.
    /// </summary>
    public DateTime? DeactivatedAt { get; set; }
}

/// <summary>
/// A role is data: a name and a list of <see cref="RoleGrant"/>s. The six presets are seeded once and stay editable;
/// administrators add custom roles. <see cref="IdentityRole{TKey}.ConcurrencyStamp"/> is its version (the ETag).
/// </summary>
public sealed class LyceumRole : IdentityRole<Guid>
{
    public LyceumRole()
    {
    }

    public LyceumRole(string name)
        : base(name)
    {
    }

    public string? Description { get; set; }

    /// <summary>One of <see cref="RoleNames.Presets"/>: its name is fixed and it cannot be deleted; its grants can change.</summary>
    public bool IsPreset { get; set; }

    public List<RoleGrant> Grants { get; set; } = [];
}

/// <summary>The built-in role presets of ../shared/ROADMAP.md. Roles are data; these are their seeded names.</summary>
public static class RoleNames
{
    public const string Administrator = "Administrator";
    public const string Moderator = "Moderator";
    public const string Teacher = "Teacher";
    public const string Tutor = "Tutor";
    public const string Guardian = "Guardian";
    public const string Student = "Student";

    public static readonly IReadOnlyList<string> Presets = [Administrator, Moderator, Teacher, Tutor, Guardian, Student];
}
