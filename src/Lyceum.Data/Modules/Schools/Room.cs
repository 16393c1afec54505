using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Schools;

/// <summary>A teaching room.</summary>
public sealed class Room : Entity, IArchivable, ISchoolOwned
{
    public int SchoolId { get; set; }

    public required string Name { get; set; }

    public string? Building { get; set; }

    public int Capacity { get; set; }

    public DateTime? ArchivedAt { get; set; }
}

/// <summary>One slot of the bell schedule ("P1 08:50–09:40"). Timetables place sections in periods per weekday.</summary>
public sealed class Period : Entity, IArchivable, ISchoolOwned
{
    public int SchoolId { get; set; }

    public required string Name { get; set; }

    public int Order { get; set; }

    public TimeOnly StartTime { get; set; }

    public TimeOnly EndTime { get; set; }

    public DateTime? ArchivedAt { get; set; }
}

internal sealed class RoomConfiguration : IEntityTypeConfiguration<Room>
{
    public void Configure(EntityTypeBuilder<Room> b)
    {
        b.Property(x => x.Name).HasMaxLength(60);
        b.Property(x => x.Building).HasMaxLength(100);
        b.HasIndex(x => new { x.SchoolId, x.Name }).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PeriodConfiguration : IEntityTypeConfiguration<Period>
{
    public void Configure(EntityTypeBuilder<Period> b)
    {
        b.Property(x => x.Name).HasMaxLength(40);
        b.HasIndex(x => new { x.SchoolId, x.Order }).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
    }
}
