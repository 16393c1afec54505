using Lyceum.Modules.Students;
using Lyceum.Modules.Students.EditStudent;

namespace Lyceum.UnitTests.Modules.Students;

public sealed class EditStudentValidationTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static readonly EditStudentRequest Valid = new(
        "Maria", "Papadopoulou", null, new DateOnly(2012, 3, 14), Gender.Female, 9, "9B", "maria@example.org", "+30 210 123 4567", null);

    [Fact]
    public void A_complete_request_is_valid() => Assert.False(EditStudentHandler.Validate(Valid, Today).Any);

    public static TheoryData<EditStudentRequest, string> Invalid() => new()
    {
        { Valid with { FirstName = " " }, "firstName" },
        { Valid with { LastName = null }, "lastName" },
        { Valid with { LastName = new string('x', 101) }, "lastName" },
        { Valid with { DateOfBirth = null }, "dateOfBirth" },
        { Valid with { DateOfBirth = Today.AddDays(1) }, "dateOfBirth" },
        { Valid with { DateOfBirth = new DateOnly(1990, 1, 1) }, "dateOfBirth" },
        { Valid with { YearGroup = null }, "yearGroup" },
        { Valid with { YearGroup = -1 }, "yearGroup" },
        { Valid with { YearGroup = 15 }, "yearGroup" },
        { Valid with { Email = "maria" }, "email" },
        { Valid with { Email = "Maria <maria@example.org>" }, "email" },
        { Valid with { Phone = "0800-CALL-NOW" }, "phone" },
        { Valid with { FormGroup = new string('9', 21) }, "formGroup" },
    };

    [Theory, MemberData(nameof(Invalid))]
    public void Each_invalid_field_is_reported_under_its_camel_case_name(EditStudentRequest request, string field)
    {
        var errors = EditStudentHandler.Validate(request, Today).ToError().Errors;

        Assert.Equal([field], errors.Keys);
    }
}
