using Lyceum.Platform.Audit;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Messaging;

/// <summary>
/// A conversation between accounts allowed to talk: a subject, its participants and its messages. Private to its
/// participants (unaudited: the audit trail would copy the bodies to people who may read the audit trail).
/// </summary>
public sealed class MessageThread : IUnaudited
{
    public const int SubjectMaxLength = 200;

    public long Id { get; set; }

    public required string Subject { get; set; }

    public Guid StartedById { get; set; }

    public DateTime StartedAt { get; set; }

    /// <summary>When the newest message came: the inbox's order.</summary>
    public DateTime LastMessageAt { get; set; }

    public List<ThreadParticipant> Participants { get; set; } = [];

    public List<Message> Messages { get; set; } = [];
}

/// <summary>One account in a thread, and how far it has read: a message is read by those whose <see cref="LastReadAt"/> is at or after it.</summary>
public sealed class ThreadParticipant : IUnaudited
{
    public long ThreadId { get; set; }

    public Guid UserId { get; set; }

    public DateTime? LastReadAt { get; set; }
}

/// <summary>One message of a thread. The body is plain text as typed: it is encoded wherever it is shown.</summary>
public sealed class Message : IUnaudited
{
    public const int BodyMaxLength = 5000;

    public long Id { get; set; }

    public long ThreadId { get; set; }

    public Guid SenderId { get; set; }

    public required string Body { get; set; }

    public DateTime SentAt { get; set; }

    /// <summary>The <c>messaging.message-received</c> event it raised: its recipients' notifications carry it, so reading the thread marks them read.</summary>
    public Guid EventId { get; set; }
}

/// <summary>
/// A broadcast: one announcement to everyone in an audience (a role, a section, a year group, a school), by the
/// channels its sender chose. What it reached is read from its event's notifications and deliveries.
/// </summary>
public sealed class Broadcast : IUnaudited
{
    /// <summary>What a notification's body holds (the in-app text and the e-mail carry the whole of it).</summary>
    public const int BodyMaxLength = 1000;

    public const int AudienceMaxLength = 400;

    public long Id { get; set; }

    public Guid SenderId { get; set; }

    public int? SchoolId { get; set; }

    public required string Subject { get; set; }

    public required string Body { get; set; }

    /// <summary>The audience as the sender picked it, in words ("Guardians of Year 9, Lyceum High").</summary>
    public required string Audience { get; set; }

    /// <summary>The channels beyond in-app, as <see cref="Platform.Events.OutboxMessage.Channels"/>.</summary>
    public required string Channels { get; set; }

    public int Recipients { get; set; }

    public DateTime SentAt { get; set; }

    public Guid EventId { get; set; }
}

internal sealed class MessageThreadConfiguration : IEntityTypeConfiguration<MessageThread>
{
    public void Configure(EntityTypeBuilder<MessageThread> b)
    {
        b.Property(x => x.Subject).HasMaxLength(MessageThread.SubjectMaxLength);
        b.HasIndex(x => x.LastMessageAt);
        b.HasOne<LyceumUser>().WithMany().HasForeignKey(x => x.StartedById).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Participants).WithOne().HasForeignKey(x => x.ThreadId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Messages).WithOne().HasForeignKey(x => x.ThreadId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ThreadParticipantConfiguration : IEntityTypeConfiguration<ThreadParticipant>
{
    public void Configure(EntityTypeBuilder<ThreadParticipant> b)
    {
        b.ToTable("MessageThreadParticipants");
        b.HasKey(x => new { x.ThreadId, x.UserId });
        b.HasIndex(x => x.UserId);
        b.HasOne<LyceumUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.Property(x => x.Body).HasMaxLength(Message.BodyMaxLength);
        b.HasIndex(x => new { x.ThreadId, x.SentAt });
        // The rate limit counts a sender's messages of the last minute.
        b.HasIndex(x => new { x.SenderId, x.SentAt });
        b.HasOne<LyceumUser>().WithMany().HasForeignKey(x => x.SenderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BroadcastConfiguration : IEntityTypeConfiguration<Broadcast>
{
    public void Configure(EntityTypeBuilder<Broadcast> b)
    {
        b.Property(x => x.Subject).HasMaxLength(MessageThread.SubjectMaxLength);
        b.Property(x => x.Body).HasMaxLength(Broadcast.BodyMaxLength);
        b.Property(x => x.Audience).HasMaxLength(Broadcast.AudienceMaxLength);
        b.Property(x => x.Channels).HasMaxLength(40);
        b.HasIndex(x => x.EventId).IsUnique();
        b.HasIndex(x => new { x.SenderId, x.SentAt });
        b.HasOne<LyceumUser>().WithMany().HasForeignKey(x => x.SenderId).OnDelete(DeleteBehavior.Restrict);
    }
}
