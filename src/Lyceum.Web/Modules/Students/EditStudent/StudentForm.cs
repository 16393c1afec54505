using Lyceum.Modules.Students.GetStudent;

namespace Lyceum.Modules.Students.EditStudent;

/// <summary>
/// A student's personal fields as the add and edit pages hold them while the user types; the handlers' requests are
/// made from it, so both pages check the same way as the API.
/// </summary>
public sealed class StudentForm
{
    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? PreferredName { get; set; }

    public DateOnly? DateOfBirth { get; set; }

    public Gender Gender { get; set; }

    public int? YearGroup { get; set; }

    public string? FormGroup { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? Address { get; set; }

    public EditStudentRequest ToRequest() =>
        new(FirstName, LastName, PreferredName, DateOfBirth, Gender, YearGroup, FormGroup, Email, Phone, Address);

    public static StudentForm From(StudentDetails s) => new()
    {
        FirstName = s.FirstName,
        LastName = s.LastName,
        PreferredName = s.PreferredName,
        DateOfBirth = s.DateOfBirth,
        Gender = s.Gender,
        YearGroup = s.YearGroup,
        FormGroup = s.FormGroup,
        Email = s.Email,
        Phone = s.Phone,
        Address = s.Address,
    };
}
