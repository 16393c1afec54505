using Lyceum.Modules.Attendance.TakeRegister;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Students.ManageStudents;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Attendance.Absences;

public sealed record MissedRegister(string Slot, string Occasion, TimeOnly? StartTime, string Code);

/// <summary>A student absent without explanation on a day, and the registers that say so.</summary>
public sealed record UnexplainedAbsence(
    int StudentId, string StudentNumber, string FirstName, string LastName, int YearGroup, string? FormGroup, IReadOnlyList<MissedRegister> Registers);

public sealed record UnexplainedAbsences(DateOnly Date, IReadOnlyList<UnexplainedAbsence> Students);

/// <summary>What the office learnt: the code that explains the day's absence (e.g. "M" medical) and how they know.</summary>
public sealed record ExplainAbsenceRequest(DateOnly? Date, string? Code, string? Reason);

public sealed record ExplainedAbsence(int StudentId, DateOnly Date, int RegistersAmended);

/// <summary>
/// The office's follow-up of unexplained absences: who is absent without explanation on a day, and explaining a
/// student's day at once — each register that has them unexplained is amended (with the reason) through
/// <see cref="TakeRegisterHandler"/>, so the same rules and the same amendment trail apply.
/// </summary>
public sealed class AbsencesHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, TakeRegisterHandler registers, TimeProvider clock)
{
    /// <summary>The schools whose absences the caller follows up: where a school-wide grant lets them amend registers.</summary>
    public async Task<IReadOnlyList<SchoolChoice>> SchoolsAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await SchoolChoice.ReachableAsync(access, db, caller, Permissions.AttendanceEdit, cancellationToken);
    }

    public async Task<Result<UnexplainedAbsences>> ListAsync(Caller caller, int schoolId, DateOnly? day, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var date = day ?? await clock.TodayAtAsync(db, schoolId, cancellationToken);
        var students = access.Reachable(db.Students, caller, Permissions.AttendanceView).Where(s => s.SchoolId == schoolId);
        var rows = await db.AttendanceMarks.AsNoTracking()
            .Where(m => m.Date == date && m.Code!.Category == AttendanceCategory.Absent && !m.Code.Authorised && students.Any(s => s.Id == m.StudentId))
            .Select(m => new
            {
                m.StudentId,
                m.Student!.StudentNumber,
                FirstName = m.Student.PreferredName ?? m.Student.FirstName,
                m.Student.LastName,
                m.Student.YearGroup,
                m.Student.FormGroup,
                Register = db.Registers.Where(r => r.Id == m.RegisterId)
                    .Select(r => new { r.Slot, Section = r.Section!.Name, Period = r.Period!.Name, Start = (TimeOnly?)r.Period.StartTime, r.FormGroup, r.Session })
                    .First(),
                m.Code!.Code,
            })
            .ToListAsync(cancellationToken);
        return new UnexplainedAbsences(date, [.. rows
            .GroupBy(r => r.StudentId)
            .Select(g =>
            {
                var s = g.First();
                var missed = g.Select(r => new MissedRegister(
                        r.Register.Slot,
                        r.Register.FormGroup is null ? $"{r.Register.Section} · {r.Register.Period}" : $"{r.Register.FormGroup} {r.Register.Session}",
                        r.Register.Start,
                        r.Code))
                    .OrderBy(r => r.StartTime)
                    .ToList();
                return new UnexplainedAbsence(s.StudentId, s.StudentNumber, s.FirstName, s.LastName, s.YearGroup, s.FormGroup, missed);
            })
            .OrderBy(s => s.LastName, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.FirstName, StringComparer.OrdinalIgnoreCase)]);
    }

    public async Task<Result<ExplainedAbsence>> ExplainAsync(Caller caller, int studentId, ExplainAbsenceRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Required("code", request.Code);
        errors.Required("reason", request.Reason);
        errors.MaxLength("reason", request.Reason, 500);
        if (request.Date is null)
        {
            errors.Add("date", "This field is required.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var date = request.Date!.Value;
        List<Register> taken;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var student = await access.Reachable(db.Students, caller, Permissions.AttendanceEdit)
                .Where(s => s.Id == studentId).Select(s => new { s.Id, s.SchoolId }).FirstOrDefaultAsync(cancellationToken);
            if (student is null)
            {
                return new Error.NotFound($"There is no student {studentId}.");
            }

            var code = await db.AttendanceCodes.AsNoTracking()
                .FirstOrDefaultAsync(c => c.SchoolId == student.SchoolId && c.Code == request.Code!.Trim() && c.ArchivedAt == null, cancellationToken);
            if (code is null || (code.Category == AttendanceCategory.Absent && !code.Authorised) || code.Category == AttendanceCategory.Present)
            {
                return Error.Field("code", $"'{request.Code}' is not a code that explains an absence (an authorised absence or excused code).");
            }

            taken = await db.Registers.AsNoTracking().Include(r => r.Marks)
                .Where(r => r.Date == date && r.Marks.Any(m => m.StudentId == studentId && m.Code!.Category == AttendanceCategory.Absent && !m.Code.Authorised))
                .ToListAsync(cancellationToken);
        }

        if (taken.Count == 0)
        {
            return Error.Field("date", $"Student {studentId} has no unexplained absence on {date:yyyy-MM-dd}.");
        }

        var amended = 0;
        foreach (var register in taken)
        {
            RegisterKey key = register.SectionId is { } section
                ? new RegisterKey.Lesson(section, register.Date, register.PeriodId!.Value)
                : new RegisterKey.Daily(register.SchoolId, register.FormGroup!, register.Date, register.Session!.Value);
            var sheet = await registers.GetAsync(caller, key, cancellationToken);
            if (sheet.Error is { } readError)
            {
                return readError;
            }

            var marks = sheet.Value!.Students
                .Where(s => s.Mark is not null)
                .Select(s => s.StudentId == studentId
                    ? new MarkInput(s.StudentId, request.Code!.Trim(), null, s.Mark!.TimeIn, s.Mark.TimeOut, s.Mark.Note)
                    : new MarkInput(s.StudentId, s.Mark!.Code, s.Mark.LateMinutes, s.Mark.TimeIn, s.Mark.TimeOut, s.Mark.Note))
                .ToList();
            var result = await registers.SubmitAsync(caller, key, new SubmitRegisterRequest(marks, request.Reason), null, cancellationToken);
            if (result.Error is { } error)
            {
                return error;
            }

            amended += result.Value!.Outcome == SubmitOutcome.Amended ? 1 : 0;
        }

        return new ExplainedAbsence(studentId, date, amended);
    }
}

public static class AbsencesEndpoints
{
    public static IEndpointRouteBuilder MapAbsences(this IEndpointRouteBuilder api)
    {
        api.MapGet("/attendance/absences", async Task<Results<Ok<UnexplainedAbsences>, ProblemHttpResult>> (
                int schoolId, DateOnly? date, Caller caller, AbsencesHandler handler, CancellationToken cancellationToken) =>
            (await handler.ListAsync(caller, schoolId, date, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.AttendanceView)
            .WithTags("Attendance")
            .WithName("ListUnexplainedAbsences")
            .WithSummary("The students absent without explanation on a day (default today at the school), with the registers that say so");

        api.MapPost("/students/{id:int}/attendance/explain", async Task<Results<Ok<ExplainedAbsence>, ProblemHttpResult>> (
                int id, ExplainAbsenceRequest request, Caller caller, AbsencesHandler handler, CancellationToken cancellationToken) =>
            (await handler.ExplainAsync(caller, id, request, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.AttendanceEdit)
            .WithTags("Attendance")
            .WithName("ExplainAbsence")
            .WithSummary("Explains a student's unexplained absence on a day: every register that has it is amended to the given code, with the reason")
            .WithDescription("Body: { date, code (an authorised absence or excused code, e.g. 'M'), reason }. Each amendment is recorded like any other. " +
                "Safe to retry: once explained, the day has no unexplained absence left and a repeat answers 400 on 'date'.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }
}
