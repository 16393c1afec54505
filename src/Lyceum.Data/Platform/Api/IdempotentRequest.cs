using Lyceum.Platform.Audit;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Platform.Api;

/// <summary>
/// A create sent with an <c>Idempotency-Key</c> header: which caller sent which key for which request, and once it
/// succeeded the answer it got, so that a retry with the same key is answered the same instead of creating twice.
/// <see cref="StatusCode"/> is null while the first request is still running. Kept for a day, then purged.
/// </summary>
public sealed class IdempotentRequest : IUnaudited
{
    public const int MaxKeyLength = 100;

    public long Id { get; set; }

    public Guid UserId { get; set; }

    public required string Key { get; set; }

    /// <summary>The method and path the key was first used with, e.g. <c>POST /api/v1/students</c>.</summary>
    public required string Endpoint { get; set; }

    /// <summary>SHA-256 of the request body, hex: the same key with another body is refused.</summary>
    public required string RequestHash { get; set; }

    public int? StatusCode { get; set; }

    public string? Location { get; set; }

    public string? ETag { get; set; }

    public string? ContentType { get; set; }

    public string? Body { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class IdempotentRequestConfiguration : IEntityTypeConfiguration<IdempotentRequest>
{
    public void Configure(EntityTypeBuilder<IdempotentRequest> b)
    {
        b.Property(x => x.Key).HasMaxLength(IdempotentRequest.MaxKeyLength);
        b.Property(x => x.Endpoint).HasMaxLength(300);
        b.Property(x => x.RequestHash).HasMaxLength(64);
        b.Property(x => x.Location).HasMaxLength(300);
        b.Property(x => x.ETag).HasMaxLength(100);
        b.Property(x => x.ContentType).HasMaxLength(100);
        b.Property(x => x.Body).Metadata.SetMaxLength(null);
        b.HasIndex(x => new { x.UserId, x.Key }).IsUnique();
        b.HasIndex(x => x.CreatedAt);
        b.HasOne<LyceumUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
