using Lyceum.Platform.Audit;

namespace Lyceum.Platform.Identity;

/// <summary>
/// A refresh token, stored as a SHA-256 hash only. <see cref="FamilyId"/> groups the tokens that rotate from one
/// sign-in so that a reused token can revoke its whole family.
/// </summary>
public sealed class RefreshToken : IUnaudited
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public Guid FamilyId { get; set; }

    public required string TokenHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
