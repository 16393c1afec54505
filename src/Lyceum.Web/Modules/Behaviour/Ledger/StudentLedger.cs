using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Behaviour.Ledger;

/// <summary>One line of a student's points ledger: an incident, its signed points and the total after it.</summary>
public sealed record LedgerLine(
    int IncidentId, DateTime OccurredAt, int TypeId, string Type, BehaviourPolarity Polarity, int Severity, int Points, int RunningTotal);

/// <summary>Positive is the sum of the praise, negative the (negative) sum of the rest, net their sum.</summary>
public sealed record LedgerTotals(int Positive, int Negative, int Net);

/// <summary>A student's points ledger, oldest line first, with totals.</summary>
public sealed record StudentLedger(int StudentId, string FirstName, string LastName, IReadOnlyList<LedgerLine> Lines, LedgerTotals Totals);

/// <summary>
/// The points ledger of a student the caller's behaviour.view reaches (else 404): every incident they were in, with
/// the signed points it gave them and a running total. Other students of those incidents are never named here.
/// </summary>
public sealed class StudentLedgerHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access)
{
    public async Task<Result<StudentLedger>> HandleAsync(Caller caller, int studentId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var student = await access.Reachable(db.Students.AsNoTracking(), caller, Permissions.BehaviourView)
            .Where(s => s.Id == studentId).Select(s => new { s.FirstName, s.LastName }).FirstOrDefaultAsync(cancellationToken);
        if (student is null)
        {
            return new Error.NotFound($"There is no student {studentId}.");
        }

        var rows = await db.IncidentStudents.AsNoTracking().Where(l => l.StudentId == studentId)
            .OrderBy(l => l.Incident!.OccurredAt).ThenBy(l => l.IncidentId)
            .Select(l => new { l.IncidentId, l.Incident!.OccurredAt, l.Incident.TypeId, Type = l.Incident.Type!.Name, l.Incident.Polarity, l.Incident.Severity, l.Points })
            .ToListAsync(cancellationToken);
        var total = 0;
        var lines = new List<LedgerLine>(rows.Count);
        foreach (var row in rows)
        {
            total += row.Points;
            lines.Add(new LedgerLine(row.IncidentId, row.OccurredAt, row.TypeId, row.Type, row.Polarity, row.Severity, row.Points, total));
        }

        var positive = rows.Where(r => r.Points > 0).Sum(r => r.Points);
        var negative = rows.Where(r => r.Points < 0).Sum(r => r.Points);
        return new StudentLedger(studentId, student.FirstName, student.LastName, lines, new LedgerTotals(positive, negative, positive + negative));
    }
}

public static class StudentLedgerEndpoint
{
    public static IEndpointRouteBuilder MapStudentLedger(this IEndpointRouteBuilder api)
    {
        api.MapGet("/students/{id:int}/behaviour", async Task<Results<Ok<StudentLedger>, ProblemHttpResult>> (
                int id, Caller caller, StudentLedgerHandler handler, CancellationToken cancellationToken) =>
            (await handler.HandleAsync(caller, id, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.BehaviourView)
            .WithTags("Behaviour")
            .WithName("GetStudentBehaviourLedger")
            .WithSummary("A student's points ledger: each incident's signed points with a running total, and the totals")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
