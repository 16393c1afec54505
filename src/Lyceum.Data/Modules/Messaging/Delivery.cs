using Lyceum.Platform.Audit;
using Lyceum.Platform.Events;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Messaging;

/// <summary>The channels beyond the in-app notification, which is the <see cref="Notification"/> row itself.</summary>
public enum DeliveryChannel
{
    Email = 1,
    Sms = 2,
}

public enum DeliveryStatus
{
    /// <summary>Waiting for <see cref="Delivery.NextAttemptAt"/> (first try, a retry after a failure, or a digest's hour).</summary>
    Pending = 0,

    Sent = 1,

    /// <summary>Failed <see cref="Delivery.Attempts"/> times, or refused for good by the far side: on the dead-letter list.</summary>
    Dead = 2,

    /// <summary>Nothing to send to or by: the account has no e-mail address or phone number, or no SMS gateway is configured.</summary>
    Skipped = 3,
}

/// <summary>
/// One notification to send to one account over one channel: the unit the dispatcher leases, sends, retries and, when
/// it keeps failing, dead-letters. Unique per (notification, channel), that is per recipient × event × channel; its
/// key (event × account × channel) travels with what is sent (the e-mail's Message-ID, the SMS gateway's idempotency key), so a send
/// repeated after a node died mid-send is recognisably the same message.
/// </summary>
public sealed class Delivery : IUnaudited
{
    public long Id { get; set; }

    public long NotificationId { get; set; }

    public Notification? Notification { get; set; }

    public Guid UserId { get; set; }

    public DeliveryChannel Channel { get; set; }

    /// <summary>Held for the account's daily digest e-mail rather than sent alone.</summary>
    public bool Digest { get; set; }

    /// <summary>When it was first due (a digest: the digest's hour); a digest e-mail's identity.</summary>
    public DateTime DueAt { get; set; }

    public DeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    /// <summary>Set while one node is sending it; another node takes it only after <see cref="LeasedUntil"/>.</summary>
    public Guid? LeaseId { get; set; }

    public DateTime? LeasedUntil { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? SentAt { get; set; }

    /// <summary>The address or number it went (or was to go) to, as it was when sent.</summary>
    public string? Address { get; set; }

    public string? LastError { get; set; }

    public List<DeliveryAttempt> AttemptLog { get; set; } = [];
}

/// <summary>One try of a <see cref="Delivery"/>: when, on which node, and what went wrong.</summary>
public sealed class DeliveryAttempt : IUnaudited
{
    public long Id { get; set; }

    public long DeliveryId { get; set; }

    public DateTime At { get; set; }

    public bool Succeeded { get; set; }

    public required string Node { get; set; }

    public string? Error { get; set; }
}

/// <summary>
/// An account's choice for one notification type: which channels it comes by. No row means the type's defaults.
/// </summary>
public sealed class NotificationPreference : IUnaudited
{
    public Guid UserId { get; set; }

    public required string Type { get; set; }

    public bool InApp { get; set; }

    public bool Email { get; set; }

    public bool Sms { get; set; }
}

/// <summary>An account's delivery settings that are not per type: the daily digest.</summary>
public sealed class NotificationSettings : IUnaudited
{
    public Guid UserId { get; set; }

    /// <summary>E-mails are gathered into one a day, sent at <see cref="DigestHour"/> (school time), instead of one each.</summary>
    public bool DailyDigest { get; set; }

    public int DigestHour { get; set; } = 17;
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> b)
    {
        b.ToTable("NotificationDeliveries");
        // Whoever holds the lease writes the outcome; a node whose lease expired and was taken over writes nothing.
        b.Property(x => x.LeaseId).IsConcurrencyToken();
        b.Property(x => x.Address).HasMaxLength(254);
        b.Property(x => x.LastError).HasMaxLength(500);
        // The idempotency key: one delivery per recipient × event × channel, however often the fan-out runs.
        b.HasIndex(x => new { x.NotificationId, x.Channel }).IsUnique();
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
        b.HasIndex(x => x.LeaseId);
        b.HasOne(x => x.Notification).WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.AttemptLog).WithOne().HasForeignKey(x => x.DeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> b)
    {
        b.ToTable("NotificationDeliveryAttempts");
        b.Property(x => x.Node).HasMaxLength(100);
        b.Property(x => x.Error).HasMaxLength(500);
        b.HasIndex(x => x.DeliveryId);
    }
}

internal sealed class NotificationPreferenceConfiguration : IEntityTypeConfiguration<NotificationPreference>
{
    public void Configure(EntityTypeBuilder<NotificationPreference> b)
    {
        b.HasKey(x => new { x.UserId, x.Type });
        b.Property(x => x.Type).HasMaxLength(40);
        b.HasOne<LyceumUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationSettingsConfiguration : IEntityTypeConfiguration<NotificationSettings>
{
    public void Configure(EntityTypeBuilder<NotificationSettings> b)
    {
        b.HasKey(x => x.UserId);
        b.HasOne<LyceumUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
