using Lyceum.Modules.Students.Guardians;

namespace Lyceum.Modules.Students.ManageStudents;

/// <summary>
/// One guardian on the add-student page while the user fills it in: a new guardian's fields, or the guardian on
/// record picked by a search; and the link (what they are to the student, what they may do).
/// </summary>
public sealed class GuardianEntry
{
    /// <summary>Gives each entry a stable key and element ids while entries are added and removed.</summary>
    private static int _next;

    public int Key { get; } = Interlocked.Increment(ref _next);

    /// <summary>True: a guardian on record; false: a new one.</summary>
    public bool Existing { get; init; }

    public string? Title { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    /// <summary>The guardian picked from the search, when <see cref="Existing"/>.</summary>
    public GuardianView? Picked { get; set; }

    public string? Search { get; set; }

    public IReadOnlyList<GuardianView> Found { get; set; } = [];

    /// <summary>Counts searches, so that an older answer arriving after a newer one is dropped.</summary>
    public int Searches { get; set; }

    public Relationship? Relationship { get; set; }

    public bool LivesWith { get; set; } = true;

    public bool MayCollect { get; set; } = true;

    public bool ReceivesMail { get; set; } = true;

    public bool HasParentalResponsibility { get; set; } = true;

    public AddStudentGuardian ToRequest() => new(
        Existing ? Picked?.Id : null,
        Existing ? null : new NewGuardian(Title, FirstName, LastName, Email, Phone, null),
        new GuardianLinkRequest(Relationship, LivesWith, MayCollect, ReceivesMail, HasParentalResponsibility, null));
}
