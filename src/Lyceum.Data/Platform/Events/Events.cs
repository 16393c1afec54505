using Lyceum.Platform.Audit;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Platform.Events;

/// <summary>
/// A domain event written in the same transaction as the change it reports ("a student was marked absent without
/// explanation"), so an event exists exactly when its change does. The messaging module's dispatcher will deliver
/// them (e-mail, SMS) and set <see cref="DispatchedAt"/>; until then the in-app <see cref="Notification"/>s written
/// beside each event are how people hear of it.
/// </summary>
public sealed class OutboxMessage : IUnaudited
{
    public long Id { get; set; }

    /// <summary>The event's identity: idempotency key for consumers (recipient × event).</summary>
    public Guid EventId { get; set; }

    /// <summary>e.g. <c>attendance.unexplained-absence</c>, <c>attendance.late</c>, <c>behaviour.incident</c>, <c>behaviour.detention-scheduled</c>.</summary>
    public required string Type { get; set; }

    /// <summary>The event as JSON.</summary>
    public required string Payload { get; set; }

    public int? SchoolId { get; set; }

    public DateTime OccurredAt { get; set; }

    public DateTime? DispatchedAt { get; set; }

    /// <summary>
    /// Channels the sender chose for everyone, over each recipient's preferences (a broadcast): "email", "sms",
    /// "email,sms", or "" for in-app only. Null: each recipient's preferences decide.
    /// </summary>
    public string? Channels { get; set; }
}

/// <summary>An in-app notification for one account, created with the event it tells of.</summary>
public sealed class Notification : IUnaudited
{
    public long Id { get; set; }

    public Guid UserId { get; set; }

    public Guid EventId { get; set; }

    public required string Type { get; set; }

    public required string Title { get; set; }

    public string? Body { get; set; }

    /// <summary>A page of this site the notification is about, e.g. <c>/students/12?tab=attendance</c>.</summary>
    public string? Link { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ReadAt { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.Property(x => x.Type).HasMaxLength(80);
        b.Property(x => x.Payload).Metadata.SetMaxLength(null);
        b.Property(x => x.Channels).HasMaxLength(40);
        b.HasIndex(x => x.EventId).IsUnique();
        b.HasIndex(x => x.DispatchedAt);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.Property(x => x.Type).HasMaxLength(80);
        b.Property(x => x.Title).HasMaxLength(200);
        b.Property(x => x.Body).HasMaxLength(1000);
        b.Property(x => x.Link).HasMaxLength(300);
        // One notification per recipient and event: a replayed event cannot notify twice.
        b.HasIndex(x => new { x.EventId, x.UserId }).IsUnique();
        b.HasIndex(x => new { x.UserId, x.CreatedAt });
        b.HasOne<LyceumUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
