namespace Lyceum.Platform.Data;

/// <summary>A person on record (staff member, guardian, student) whom a sign-in account may be linked to.</summary>
public interface IPerson
{
    Guid? UserId { get; set; }
}
