using Lyceum.Modules.Schools;
using Lyceum.Modules.Students.EditStudent;
using Lyceum.Modules.Students.GetStudent;
using Lyceum.Modules.Students.Guardians;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Records;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Students.ManageStudents;

/// <summary>
/// A new student, optionally with their guardians in the same request: each entry links a guardian already on record
/// (<c>guardianId</c>) or adds one (<c>guardian</c>). <c>studentNumber</c> may be left out: the school's next number
/// is given. <c>admittedOn</c> defaults to today at the school. <c>academicYearId</c> is the year the year group is for (an intake
/// entered in June for September names next year); by default the year under way on <c>admittedOn</c>, else the next.
/// </summary>
public sealed record AddStudentRequest(
    int? SchoolId,
    string? StudentNumber,
    string? FirstName,
    string? LastName,
    string? PreferredName,
    DateOnly? DateOfBirth,
    Gender? Gender,
    int? YearGroup,
    string? FormGroup,
    string? Email,
    string? Phone,
    string? Address,
    DateOnly? AdmittedOn,
    IReadOnlyList<AddStudentGuardian>? Guardians,
    int? AcademicYearId = null);

/// <summary>One guardian of a new student: an existing one (<see cref="GuardianId"/>) or a new one (<see cref="Guardian"/>).</summary>
public sealed record AddStudentGuardian(int? GuardianId, NewGuardian? Guardian, GuardianLinkRequest? Link);

public sealed record NewGuardian(string? Title, string? FirstName, string? LastName, string? Email, string? Phone, string? Address);

/// <summary>What a guardian is to a student and may do; unset flags are false, the priority defaults to the next one.</summary>
public sealed record GuardianLinkRequest(
    Relationship? Relationship, bool? LivesWith, bool? MayCollect, bool? ReceivesMail, bool? HasParentalResponsibility, int? ContactPriority);

/// <summary>A school a new student may be added to.</summary>
public sealed record SchoolChoice(int Id, string Name)
{
    /// <summary>The live schools <paramref name="permission"/> reaches, by name: a page's choice of school.</summary>
    public static async Task<IReadOnlyList<SchoolChoice>> ReachableAsync(
        AccessService access, LyceumDbContext db, Caller caller, string permission, CancellationToken cancellationToken) =>
        await access.Reachable(db.Schools.AsNoTracking(), caller, permission)
            .Where(s => s.ArchivedAt == null)
            .OrderBy(s => s.Name)
            .Select(s => new SchoolChoice(s.Id, s.Name))
            .ToListAsync(cancellationToken);
}

/// <summary>
/// Adding, archiving, restoring and deleting students, and linking guardians to them. Adding needs students.create in
/// the school (and guardians.create for guardians added with the student); archiving, restoring and links need
/// students.edit reaching the student; deleting needs students.delete and a student nothing refers to.
/// </summary>
public sealed class ManageStudentsHandler(
    IDbContextFactory<LyceumDbContext> contexts, AccessService access, GetStudentHandler reader, TimeProvider clock)
{
    public const int MaxGuardians = 6;

    public async Task<Result<StudentDetails>> AddAsync(Caller caller, AddStudentRequest r, CancellationToken cancellationToken)
    {
        var today = Today;
        var errors = EditStudentHandler.Validate(
            new EditStudentRequest(r.FirstName, r.LastName, r.PreferredName, r.DateOfBirth, r.Gender, r.YearGroup, r.FormGroup, r.Email, r.Phone, r.Address),
            today);
        errors.MaxLength("studentNumber", r.StudentNumber, 20);
        if (r.AdmittedOn is { } admitted && (admitted > today.AddYears(1) || (r.DateOfBirth is { } born && admitted < born)))
        {
            errors.Add("admittedOn", "Must be after the date of birth and at most a year ahead.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        int? school = null;
        if (r.SchoolId is not { } named)
        {
            errors.Add("schoolId", "This field is required.");
        }
        else if (await access.Reachable(db.Schools.AsNoTracking(), caller, Permissions.StudentsCreate).AnyAsync(s => s.Id == named && s.ArchivedAt == null, cancellationToken))
        {
            school = named;
        }
        else
        {
            errors.Add("schoolId", $"There is no school {named} that you can add students to (or it is archived).");
        }

        // Only once the school is one the caller may add to may a check look at its records.
        string? number = null;
        if (school is { } schoolId)
        {
            number = string.IsNullOrWhiteSpace(r.StudentNumber) ? await NextNumberAsync(db, schoolId, cancellationToken) : r.StudentNumber.Trim();
            if (number is null)
            {
                errors.Add("studentNumber", "This school's numbers are not all digits: give the new student's number.");
            }
            else if (await db.Students.AnyAsync(s => s.SchoolId == schoolId && s.StudentNumber == number, cancellationToken))
            {
                errors.Add("studentNumber", $"This school already has a student numbered '{number}'.");
            }
        }

        if (r.AcademicYearId is { } yearId && school is { } inSchool
            && !await db.AcademicYears.AnyAsync(y => y.Id == yearId && y.SchoolId == inSchool && y.ArchivedAt == null, cancellationToken))
        {
            errors.Add("academicYearId", $"There is no academic year {yearId} at this school (or it is archived).");
        }

        var links = await GuardianLinksAsync(db, caller, r.Guardians ?? [], school, errors, cancellationToken);
        if (errors.Any)
        {
            return errors.ToError();
        }

        // The year the new student's year group is for: the one under way when they start, or the next one (admitted
        // in the summer for September). A roll-forward into that year then leaves them where they are.
        var admittedOn = r.AdmittedOn ?? await clock.TodayAtAsync(db, school!.Value, cancellationToken);
        var academicYear = r.AcademicYearId ?? await db.AcademicYears.AsNoTracking()
            .Where(y => y.SchoolId == school && y.ArchivedAt == null && y.EndDate >= admittedOn)
            .OrderBy(y => y.StartDate)
            .Select(y => (int?)y.Id)
            .FirstOrDefaultAsync(cancellationToken);
        var student = new Student
        {
            SchoolId = school!.Value,
            AcademicYearId = academicYear,
            StudentNumber = number!,
            FirstName = r.FirstName!.Trim(),
            LastName = r.LastName!.Trim(),
            PreferredName = TextInput.Blank(r.PreferredName),
            DateOfBirth = r.DateOfBirth!.Value,
            Gender = r.Gender ?? Gender.Unspecified,
            YearGroup = r.YearGroup!.Value,
            FormGroup = TextInput.Blank(r.FormGroup),
            Email = TextInput.Blank(r.Email),
            Phone = TextInput.Blank(r.Phone),
            Address = TextInput.Blank(r.Address),
            AdmittedOn = admittedOn,
            Guardians = links,
        };
        db.Students.Add(student);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (UniqueViolation.Is(ex))
        {
            // Another office added a student with this number a moment ago.
            return Error.Field("studentNumber", $"This school already has a student numbered '{number}'.");
        }

        // Saved: answer it even if the client has gone, so that a retry with an Idempotency-Key finds the answer kept.
        return await reader.HandleAsync(caller, student.Id, CancellationToken.None);
    }

    /// <summary>The schools the caller may add students to (not archived), by name: the add form's choice.</summary>
    public async Task<IReadOnlyList<SchoolChoice>> SchoolsAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await SchoolChoice.ReachableAsync(access, db, caller, Permissions.StudentsCreate, cancellationToken);
    }

    /// <summary>
    /// The links of a new student's guardians, checked: each names a guardian of the school that the caller can see,
    /// or a new one they may add; no guardian twice.
    /// </summary>
    private async Task<List<StudentGuardian>> GuardianLinksAsync(
        LyceumDbContext db, Caller caller, IReadOnlyList<AddStudentGuardian> entries, int? school, FieldErrors errors, CancellationToken cancellationToken)
    {
        var links = new List<StudentGuardian>();
        if (entries.Count > MaxGuardians)
        {
            errors.Add("guardians", $"At most {MaxGuardians} guardians.");
            return links;
        }

        var mayAddGuardians = school is { } s && await access.Reachable(db.Schools.AsNoTracking(), caller, Permissions.GuardiansCreate)
            .AnyAsync(x => x.Id == s, cancellationToken);
        var seen = new HashSet<int>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var at = $"guardians[{i}].";
            if (entry is null)
            {
                errors.Add($"guardians[{i}]", "Give a guardian.");
                continue;
            }

            CheckLink(errors, entry.Link, at + "link.");
            var link = NewLink(entry.Link, i + 1);
            if ((entry.GuardianId is not null) == (entry.Guardian is not null))
            {
                errors.Add(at + "guardianId", "Give either guardianId (a guardian on record) or guardian (a new one), not both.");
            }
            else if (entry.GuardianId is { } existing)
            {
                if (!seen.Add(existing))
                {
                    errors.Add(at + "guardianId", $"Guardian {existing} is listed twice.");
                }
                else if (school is { } schoolId && !await access.Reachable(db.Guardians.AsNoTracking(), caller, Permissions.GuardiansView)
                             .AnyAsync(g => g.Id == existing && g.SchoolId == schoolId && g.ArchivedAt == null, cancellationToken))
                {
                    errors.Add(at + "guardianId", $"There is no guardian {existing} in this school (or it is archived).");
                }

                link.GuardianId = existing;
            }
            else
            {
                var g = entry.Guardian!;
                GuardianKind.Check(errors, g.Title, g.FirstName, g.LastName, g.Email, g.Phone, g.Address, at + "guardian.");
                if (school is not null && !mayAddGuardians)
                {
                    errors.Add(at + "guardian", "You may link guardians on record but not add new ones.");
                }

                if (!errors.Any)
                {
                    link.Guardian = new Guardian
                    {
                        SchoolId = school!.Value,
                        Title = TextInput.Blank(g.Title),
                        FirstName = g.FirstName!.Trim(),
                        LastName = g.LastName!.Trim(),
                        Email = TextInput.Blank(g.Email),
                        Phone = TextInput.Blank(g.Phone),
                        Address = TextInput.Blank(g.Address),
                    };
                }
            }

            links.Add(link);
        }

        return links;
    }

    /// <summary>Archives (a leaver: their open enrolments end today) or restores a student. Twice is the same as once.</summary>
    public async Task<Result<StudentDetails>> ArchiveAsync(Caller caller, int id, bool archive, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var student = await Editable(db, caller, Permissions.StudentsEdit).Include(s => s.Enrollments).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (student is null)
        {
            return NotFound(id);
        }

        if ((student.ArchivedAt is not null) != archive)
        {
            // Restoring does not put them back in classes; the office enrols them again where they return.
            if (archive)
            {
                student.Leave(clock.GetUtcNow().UtcDateTime, await clock.TodayAtAsync(db, student.SchoolId, cancellationToken));
            }
            else
            {
                student.ArchivedAt = null;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                if (await db.Students.AsNoTracking().AnyAsync(s => s.Id == id && (s.ArchivedAt != null) != archive, cancellationToken))
                {
                    return Stale;
                }
            }
        }

        return await reader.HandleAsync(caller, id, cancellationToken);
    }

    /// <summary>Deletes a student entered by mistake: only while no enrolment (past or present) and no account refers to it.</summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // With the guardian links: they go with the student, and each goes into the trail.
        var student = await Editable(db, caller, Permissions.StudentsDelete).Include(s => s.Guardians).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (student is null)
        {
            return NotFound(id);
        }

        var reason = await InUse.DescribeAsync(cancellationToken,
            ("enrolments", () => db.Enrollments.CountAsync(e => e.StudentId == id, cancellationToken)),
            ("user account", () => Task.FromResult(student.UserId is null ? 0 : 1)));
        if (reason is not null)
        {
            return new Error.Conflict($"This student cannot be deleted: {reason} Archive the student instead.");
        }

        db.Students.Remove(student);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await db.Students.AnyAsync(s => s.Id == id, cancellationToken) ? Stale : true;
        }
        catch (DbUpdateException)
        {
            return new Error.Conflict("This student cannot be deleted: other records refer to it. Archive the student instead.");
        }

        return true;
    }

    /// <summary>Links a guardian to a student, or changes the link (PUT: every field). Repeating it changes nothing.</summary>
    public async Task<Result<StudentDetails>> LinkAsync(
        Caller caller, int id, int guardianId, GuardianLinkRequest request, CancellationToken cancellationToken, Guid? expectedVersion = null)
    {
        var errors = new FieldErrors();
        CheckLink(errors, request, "");
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var student = await Editable(db, caller, Permissions.StudentsEdit).Include(s => s.Guardians).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (student is null)
        {
            return NotFound(id);
        }

        if (expectedVersion is { } version && version != student.Version)
        {
            return Stale;
        }

        if (student.ArchivedAt is not null)
        {
            return new Error.Conflict("This student is archived. Restore the record before changing their guardians.");
        }

        var link = student.Guardians.FirstOrDefault(l => l.GuardianId == guardianId);
        if (link is null)
        {
            // A link gives the guardian's account the child's records: it takes guardians.edit over that guardian.
            if (!await access.Reachable(db.Guardians.AsNoTracking(), caller, Permissions.GuardiansEdit, Permissions.GuardiansView)
                    .AnyAsync(g => g.Id == guardianId && g.SchoolId == student.SchoolId && g.ArchivedAt == null, cancellationToken))
            {
                return new Error.NotFound($"There is no guardian {guardianId} in this student's school (or it is archived).");
            }

            if (student.Guardians.Count >= MaxGuardians)
            {
                return new Error.Conflict($"This student already has {MaxGuardians} guardians, the most there may be.");
            }

            link = NewLink(request, student.Guardians.Count + 1);
            link.GuardianId = guardianId;
            student.Guardians.Add(link);
        }
        else
        {
            var changed = NewLink(request, link.ContactPriority);
            link.Relationship = changed.Relationship;
            link.LivesWith = changed.LivesWith;
            link.MayCollect = changed.MayCollect;
            link.ReceivesMail = changed.ReceivesMail;
            link.HasParentalResponsibility = changed.HasParentalResponsibility;
            link.ContactPriority = changed.ContactPriority;
        }

        return await SaveLinksAsync(db, caller, student, cancellationToken);
    }

    /// <summary>Removes a guardian from a student (the guardian's record stays). Removing an absent link is a no-op.</summary>
    public async Task<Result<StudentDetails>> UnlinkAsync(Caller caller, int id, int guardianId, CancellationToken cancellationToken, Guid? expectedVersion = null)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var student = await Editable(db, caller, Permissions.StudentsEdit).Include(s => s.Guardians).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (student is null)
        {
            return NotFound(id);
        }

        if (expectedVersion is { } version && version != student.Version)
        {
            return Stale;
        }

        if (student.Guardians.FirstOrDefault(l => l.GuardianId == guardianId) is { } link)
        {
            if (!await access.Reachable(db.Guardians.AsNoTracking(), caller, Permissions.GuardiansEdit, Permissions.GuardiansView)
                    .AnyAsync(g => g.Id == guardianId, cancellationToken))
            {
                return new Error.NotFound($"There is no guardian {guardianId} whose links you can change.");
            }

            if (student.ArchivedAt is not null)
            {
                return new Error.Conflict("This student is archived. Restore the record before changing their guardians.");
            }

            student.Guardians.Remove(link);
        }

        return await SaveLinksAsync(db, caller, student, cancellationToken);
    }

    private async Task<Result<StudentDetails>> SaveLinksAsync(LyceumDbContext db, Caller caller, Student student, CancellationToken cancellationToken)
    {
        if (db.ChangeTracker.HasChanges())
        {
            // The links are part of the student's record: its version changes with them, so a cached profile is not
            // answered "not modified" and a form holding the old version does not overwrite them unseen.
            db.Entry(student).Property(s => s.UpdatedAt).IsModified = true;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return Stale;
            }
            catch (DbUpdateException ex) when (UniqueViolation.Is(ex))
            {
                // The same link added by two requests at once: the other one won, and it is the same link.
            }
        }

        return await reader.HandleAsync(caller, student.Id, cancellationToken);
    }

    private static void CheckLink(FieldErrors errors, GuardianLinkRequest? link, string at)
    {
        if (link?.Relationship is null)
        {
            errors.Add(at + "relationship", "This field is required: " + string.Join(", ", Enum.GetNames<Relationship>()) + ".");
        }

        if (link?.ContactPriority is < 1 or > 9)
        {
            errors.Add(at + "contactPriority", "Must be from 1 (called first) to 9.");
        }
    }

    private static StudentGuardian NewLink(GuardianLinkRequest? link, int priority) => new()
    {
        Relationship = link?.Relationship ?? Relationship.Other,
        LivesWith = link?.LivesWith ?? false,
        MayCollect = link?.MayCollect ?? false,
        ReceivesMail = link?.ReceivesMail ?? false,
        HasParentalResponsibility = link?.HasParentalResponsibility ?? false,
        ContactPriority = link?.ContactPriority ?? Math.Min(priority, 9),
    };

    /// <summary>
    /// The school's highest all-digit number plus one, kept as long (leading zeros stay); "1" for a school with no
    /// students yet; null when none of the school's numbers is all digits (a school that numbers "S-0042").
    /// </summary>
    private static async Task<string?> NextNumberAsync(LyceumDbContext db, int school, CancellationToken cancellationToken)
    {
        // One school's numbers are a few thousand short strings: read them rather than ask each database for "digits only".
        var numbers = await db.Students.Where(s => s.SchoolId == school).Select(s => s.StudentNumber).ToListAsync(cancellationToken);
        if (numbers.Count == 0)
        {
            return "1";
        }

        var top = numbers.Where(n => n.Length is > 0 and <= 18 && n.All(char.IsAsciiDigit))
            .MaxBy(n => long.Parse(n, System.Globalization.CultureInfo.InvariantCulture));
        return top is null
            ? null
            : (long.Parse(top, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(top.Length, '0');
    }

    private IQueryable<Student> Editable(LyceumDbContext db, Caller caller, string permission) =>
        access.Reachable(db.Students, caller, permission, Permissions.StudentsView);

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static Error.NotFound NotFound(int id) => new($"There is no student {id}.");

    private static Error.PreconditionFailed Stale =>
        new("This student was changed by someone else since you read it. Reload the record and apply your change again.");

}
