using Lyceum.Modules.Students.GetStudent;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Students.EditStudent;

/// <summary>The personal details of a student that the office edits. Every field is sent (PUT replaces them).</summary>
public sealed record EditStudentRequest(
    string? FirstName,
    string? LastName,
    string? PreferredName,
    DateOnly? DateOfBirth,
    Gender? Gender,
    int? YearGroup,
    string? FormGroup,
    string? Email,
    string? Phone,
    string? Address);

/// <summary>
/// Updates a student's details if the caller's version is still the stored one: a stale version is 412, and two
/// concurrent saves of the same version cannot both win (the version is in the UPDATE's WHERE).
/// </summary>
public sealed class EditStudentHandler(
    IDbContextFactory<LyceumDbContext> contexts, AccessService access, GetStudentHandler reader, TimeProvider clock)
{
    public async Task<Result<StudentDetails>> HandleAsync(
        Caller caller, int id, Guid expectedVersion, EditStudentRequest request, CancellationToken cancellationToken)
    {
        var errors = Validate(request, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Editing needs both reaches: a student the caller may not edit is not found, even one they may see; and one
        // they may edit but not see would be saved and then "not found" in the answer.
        var reachable = access.Reachable(db.Students, caller, Permissions.StudentsEdit, Permissions.StudentsView);
        var student = await reachable.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (student is null)
        {
            return new Error.NotFound($"There is no student {id}.");
        }

        if (student.Version != expectedVersion)
        {
            return Stale;
        }

        if (student.ArchivedAt is not null)
        {
            return new Error.Conflict("This student is archived. Restore the record before editing it.");
        }

        student.FirstName = request.FirstName!.Trim();
        student.LastName = request.LastName!.Trim();
        student.PreferredName = TextInput.Blank(request.PreferredName);
        student.DateOfBirth = request.DateOfBirth!.Value;
        student.Gender = request.Gender ?? Gender.Unspecified;
        student.YearGroup = request.YearGroup!.Value;
        student.FormGroup = TextInput.Blank(request.FormGroup);
        student.Email = TextInput.Blank(request.Email);
        student.Phone = TextInput.Blank(request.Phone);
        student.Address = TextInput.Blank(request.Address);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale;
        }

        return await reader.HandleAsync(caller, id, cancellationToken);
    }

    internal static FieldErrors Validate(EditStudentRequest r, DateOnly today)
    {
        var errors = new FieldErrors();
        errors.Required("firstName", r.FirstName);
        errors.MaxLength("firstName", r.FirstName, 100);
        errors.Required("lastName", r.LastName);
        errors.MaxLength("lastName", r.LastName, 100);
        errors.MaxLength("preferredName", r.PreferredName, 100);
        if (r.DateOfBirth is not { } born)
        {
            errors.Add("dateOfBirth", "This field is required.");
        }
        else if (born > today || born < today.AddYears(-30))
        {
            errors.Add("dateOfBirth", "Must be a date in the past, at most 30 years ago.");
        }

        if (r.YearGroup is not { } yearGroup)
        {
            errors.Add("yearGroup", "This field is required.");
        }
        else if (yearGroup is < 0 or > 14)
        {
            errors.Add("yearGroup", "Must be from 0 (reception) to 14.");
        }

        errors.MaxLength("formGroup", r.FormGroup, 20);
        Contact.CheckEmail(errors, "email", r.Email);
        Contact.CheckPhone(errors, "phone", r.Phone);
        errors.MaxLength("address", r.Address, 400);
        return errors;
    }

    private static Error.PreconditionFailed Stale =>
        new("This student was changed by someone else since you read it. Reload the record and apply your change again.");

}
