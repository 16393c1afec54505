namespace Lyceum.Platform.Data;

/// <summary>
/// A record that is archived rather than deleted while anything may still refer to it: a leaver, last year's term, a
/// room that was knocked down. Archived records stay readable (and restorable) but take no new links.
/// </summary>
public interface IArchivable
{
    DateTime? ArchivedAt { get; set; }
}

/// <summary>A record that belongs to one school: what a school-scoped grant reaches.</summary>
public interface ISchoolOwned
{
    int SchoolId { get; }
}
