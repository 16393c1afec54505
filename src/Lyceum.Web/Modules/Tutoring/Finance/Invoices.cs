using System.Globalization;
using System.Linq.Expressions;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Finance;

/// <summary>
/// Invoices of tutoring: drafts generated per family from completed, un-invoiced sessions; sending (the school's next
/// number, in the transaction that sends, so the numbers have no gaps); voiding (the sessions become billable again,
/// the number stays used) and re-issuing; deleting a draft. A sent invoice never changes (409). Reads are
/// invoices.view (a guardian: their family's, never a draft); changes are finance.edit.
/// </summary>
public sealed class InvoicesHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, TimeProvider clock)
{
    public const int MaxPeriodDays = 366;
    public const int DefaultDueDays = 14;

    public static readonly IReadOnlyDictionary<string, Expression<Func<Invoice, object?>>> SortFields =
        new Dictionary<string, Expression<Func<Invoice, object?>>>(StringComparer.Ordinal)
        {
            ["number"] = i => i.Number,
            ["issuedOn"] = i => i.IssuedOn,
            ["dueOn"] = i => i.DueOn,
            ["periodFrom"] = i => i.PeriodFrom,
            ["status"] = i => i.Status,
            ["createdAt"] = i => i.CreatedAt,
        };

    private static readonly SortField[] DefaultSort = [new("createdAt", true)];

    public async Task<Result<GenerateInvoicesResult>> GenerateAsync(Caller caller, GenerateInvoicesRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.SchoolId is null)
        {
            errors.Add("schoolId", "This field is required.");
        }

        if (request.From is null)
        {
            errors.Add("from", "This field is required.");
        }

        if (request.To is null)
        {
            errors.Add("to", "This field is required.");
        }
        else if (request.From is { } f && request.To is { } t)
        {
            if (t < f)
            {
                errors.Add("to", "Must not be before from.");
            }
            else if (t.DayNumber - f.DayNumber >= MaxPeriodDays)
            {
                errors.Add("to", $"A period is at most {MaxPeriodDays} days.");
            }
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await FinanceAccess.SchoolAsync(access, db, caller, request.SchoolId!.Value, "schoolId", cancellationToken, Permissions.FinanceEdit, Permissions.FinanceView);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var school = found.Value!;
        if (request.GuardianId is { } only && !await db.Guardians.AnyAsync(g => g.Id == only && g.SchoolId == school.Id, cancellationToken))
        {
            return Error.Field("guardianId", $"There is no guardian {only} at this school.");
        }

        var (from, to) = (request.From!.Value, request.To!.Value);
        var start = FinanceAccess.StartOfDayUtc(from, school.TimeZone);
        var end = FinanceAccess.StartOfDayUtc(to.AddDays(1), school.TimeZone);

        await EnsureCounterAsync(db, school.Id, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // One generation (or send) of a school at a time: a second one waits here and then sees what the first billed.
        await LockCounterAsync(db, school.Id, cancellationToken);

        var unpriced = await PriceMissingAsync(db, school.Id, start, end, cancellationToken);
        var places = await db.TutoringSessionStudents
            .Include(l => l.Session!).ThenInclude(s => s.Tutor)
            .Include(l => l.Student)
            .Where(l => l.Session!.SchoolId == school.Id && l.Session.Status == SessionStatus.Completed && l.Session.StartUtc >= start && l.Session.StartUtc < end
                        && l.InvoiceLineId == null && l.Amount != null)
            .ToListAsync(cancellationToken);

        var billTo = await BillToAsync(db, places.Select(p => p.StudentId).Distinct().ToList(), cancellationToken);
        var skipped = places.Where(p => !billTo.ContainsKey(p.StudentId)).Select(p => p.Student!).DistinctBy(s => s.Id)
            .Select(s => new SkippedStudent(s.Id, $"{s.FirstName} {s.LastName}", "The student has no guardian to bill (link one with parental responsibility)."))
            .ToList();

        var families = places.Where(p => billTo.ContainsKey(p.StudentId))
            .GroupBy(p => billTo[p.StudentId])
            .Where(g => request.GuardianId is null || g.Key == request.GuardianId)
            .OrderBy(g => g.Key)
            .ToList();

        var invoices = new List<(Invoice Invoice, List<(InvoiceLine Line, TutoringSessionStudent Place)> Lines)>();
        foreach (var family in families)
        {
            var invoice = new Invoice
            {
                SchoolId = school.Id,
                GuardianId = family.Key,
                Status = InvoiceStatus.Draft,
                Currency = school.Currency,
                PeriodFrom = from,
                PeriodTo = to,
            };
            var lines = LinesFor(invoice, family, school.TimeZone);
            db.Invoices.Add(invoice);
            invoices.Add((invoice, lines));
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var (_, lines) in invoices)
        {
            foreach (var (line, place) in lines)
            {
                place.InvoiceLineId = line.Id;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var created = new List<InvoiceView>();
        foreach (var (invoice, _) in invoices)
        {
            created.Add((await ReadAsync(db, caller, invoice.Id, CancellationToken.None))!);
        }

        return new GenerateInvoicesResult(created, skipped, unpriced);
    }

    public async Task<Result<PagedResult<InvoiceListItem>>> ListAsync(Caller caller, ListQuery query, InvoiceFilter filter, CancellationToken cancellationToken)
    {
        var parsed = query.Parse(SortFields.Keys.ToList());
        if (!parsed.IsSuccess)
        {
            return parsed.Error!;
        }

        if (filter is { From: { } since, To: { } until } && until < since)
        {
            return Error.Field("to", "Must not be before from.");
        }

        var request = parsed.Value!;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = Visible(db, caller).AsNoTracking();
        if (filter.SchoolId is { } school)
        {
            rows = rows.Where(i => i.SchoolId == school);
        }

        if (filter.Status is { } status)
        {
            rows = rows.Where(i => i.Status == status);
        }

        if (filter.GuardianId is { } guardian)
        {
            rows = rows.Where(i => i.GuardianId == guardian);
        }

        if (filter.StudentId is { } student)
        {
            rows = rows.Where(i => i.Lines.Any(l => l.StudentId == student));
        }

        if (filter.From is { } from)
        {
            rows = rows.Where(i => i.PeriodTo >= from);
        }

        if (filter.To is { } to)
        {
            rows = rows.Where(i => i.PeriodFrom <= to);
        }

        if (request.Q is { } q)
        {
            foreach (var term in SearchFolding.Terms(q))
            {
                var pattern = $"%{Like.Escape(term)}%";
                rows = rows.Where(i => EF.Functions.Like(i.Guardian!.SearchText, pattern, Like.EscapeCharacter)
                                       || i.Lines.Any(l => EF.Functions.Like(l.Student!.SearchText, pattern, Like.EscapeCharacter)));
            }
        }

        var total = await rows.CountAsync(cancellationToken);
        var page = await rows.SortBy(request.Sort, SortFields, DefaultSort, i => i.Id).Skip(request.Skip).Take(request.PageSize)
            .Select(i => new
            {
                i.Id,
                i.SchoolId,
                i.Number,
                i.Status,
                i.GuardianId,
                i.Guardian!.FirstName,
                i.Guardian.LastName,
                i.Currency,
                i.PeriodFrom,
                i.PeriodTo,
                i.IssuedOn,
                i.DueOn,
                i.Total,
                i.Paid,
                Lines = i.Lines.Count,
                i.Version,
            })
            .ToListAsync(cancellationToken);
        var items = page.Select(i => new InvoiceListItem(
            i.Id, i.SchoolId, i.Number, InvoiceNumbers.Display(i.Number), i.Status, i.GuardianId, $"{i.FirstName} {i.LastName}", i.Currency, i.PeriodFrom,
            i.PeriodTo, i.IssuedOn, i.DueOn, i.Total, i.Paid, Balance(i.Status, i.Total, i.Paid), i.Lines, i.Version)).ToList();
        return new PagedResult<InvoiceListItem>(items, request.Page, request.PageSize, total);
    }

    public async Task<Result<InvoiceView>> GetAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ReadAsync(db, caller, id, cancellationToken) is { } view ? view : NotFound(id);
    }

    /// <summary>Changes a draft's notes and due date; a sent (or void) invoice is 409.</summary>
    public async Task<Result<InvoiceView>> EditAsync(Caller caller, int id, Guid? ifMatch, InvoiceEditRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.MaxLength("notes", request.Notes?.Trim(), 1000);
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invoice = await Editable(db, caller).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (invoice is null)
        {
            return NotFound(id);
        }

        if (invoice.Status != InvoiceStatus.Draft)
        {
            return Immutable(invoice);
        }

        if (ifMatch is { } version && version != invoice.Version)
        {
            return new Error.PreconditionFailed("This invoice has changed since you read it. Reload it and apply your change again.");
        }

        if (request.DueOn is { } due && due < invoice.PeriodFrom)
        {
            return Error.Field("dueOn", "Must not be before the start of the invoice's period.");
        }

        invoice.Notes = TextInput.Blank(request.Notes);
        invoice.DueOn = request.DueOn;
        await db.SaveChangesAsync(cancellationToken);
        return (await ReadAsync(db, caller, id, CancellationToken.None))!;
    }

    /// <summary>Takes a line off a draft: its session becomes billable again.</summary>
    public async Task<Result<InvoiceView>> RemoveLineAsync(Caller caller, int id, int lineId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invoice = await Editable(db, caller).Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (invoice is null)
        {
            return NotFound(id);
        }

        if (invoice.Status != InvoiceStatus.Draft)
        {
            return Immutable(invoice);
        }

        var line = invoice.Lines.FirstOrDefault(l => l.Id == lineId);
        if (line is null)
        {
            return new Error.NotFound($"Invoice {id} has no line {lineId}.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var place in await db.TutoringSessionStudents.Where(l => l.InvoiceLineId == lineId).ToListAsync(cancellationToken))
        {
            place.InvoiceLineId = null;
        }

        invoice.Lines.Remove(line);
        db.InvoiceLines.Remove(line);
        var position = 1;
        foreach (var rest in invoice.Lines.OrderBy(l => l.Position))
        {
            rest.Position = position++;
        }

        invoice.Total = invoice.Lines.Sum(l => l.Amount);
        db.Entry(invoice).State = EntityState.Modified;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await ReadAsync(db, caller, id, CancellationToken.None))!;
    }

    /// <summary>
    /// Sends a draft: the school's next number, the issue date (today at the school) and the due date, all in one
    /// transaction with the counter row locked, so two sends at once take consecutive numbers and a failed send takes
    /// none. Sending a sent invoice again answers it unchanged.
    /// </summary>
    public async Task<Result<InvoiceView>> SendAsync(Caller caller, int id, SendInvoiceRequest? request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var invoice = await Editable(db, caller).Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
            if (invoice is null)
            {
                return NotFound(id);
            }

            if (invoice.Status is InvoiceStatus.Sent or InvoiceStatus.Paid)
            {
                return (await ReadAsync(db, caller, id, cancellationToken))!;
            }

            if (invoice.Status == InvoiceStatus.Void)
            {
                return new Error.Conflict($"Invoice {InvoiceNumbers.Display(invoice.Number) ?? id.ToString(CultureInfo.InvariantCulture)} is void: re-issue it to bill its sessions again.");
            }

            if (invoice.Lines.Count == 0)
            {
                return new Error.Conflict("This draft has no lines: there is nothing to bill. Delete it instead.");
            }

            var zone = await db.Schools.Where(s => s.Id == invoice.SchoolId).Select(s => s.TimeZone).FirstAsync(cancellationToken);
            var today = clock.Today(zone);
            var due = request?.DueOn ?? invoice.DueOn ?? today.AddDays(DefaultDueDays);
            if (due < today)
            {
                return Error.Field("dueOn", $"Must not be before the issue date, {today:yyyy-MM-dd}.");
            }

            await EnsureCounterAsync(db, invoice.SchoolId, cancellationToken);
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var counter = await LockCounterAsync(db, invoice.SchoolId, cancellationToken);
                await db.Entry(invoice).ReloadAsync(cancellationToken);
                if (invoice.Status != InvoiceStatus.Draft)
                {
                    // Sent (or voided) by someone else while this one waited for the counter.
                    await transaction.RollbackAsync(cancellationToken);
                    return await SendAsync(caller, id, request, cancellationToken);
                }

                invoice.Number = counter.NextNumber;
                counter.NextNumber++;
                counter.Version = Guid.NewGuid();
                invoice.Status = InvoiceStatus.Sent;
                invoice.IssuedOn = today;
                invoice.DueOn = due;
                invoice.SentAt = clock.GetUtcNow().UtcDateTime;
                await db.SaveChangesAsync(cancellationToken);
                await FinanceEvents.InvoiceIssuedAsync(db, invoice.SentAt.Value, invoice, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 20)
            {
                // Another send took the counter first (SQLite has no row lock: the version check finds it): read again.
                await Task.Delay(Random.Shared.Next(5, 25) * attempt, cancellationToken);
                continue;
            }

            return (await ReadAsync(db, caller, id, CancellationToken.None))!;
        }
    }

    /// <summary>
    /// Voids a sent invoice that has no payments: its sessions become billable again (re-issue it, or generate), its
    /// number stays used. Voiding a void invoice answers it unchanged.
    /// </summary>
    public async Task<Result<InvoiceView>> VoidAsync(Caller caller, int id, VoidInvoiceRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Required("reason", request.Reason);
        errors.MaxLength("reason", request.Reason?.Trim(), 500);
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invoice = await Editable(db, caller).Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (invoice is null)
        {
            return NotFound(id);
        }

        switch (invoice.Status)
        {
            case InvoiceStatus.Void:
                return (await ReadAsync(db, caller, id, cancellationToken))!;
            case InvoiceStatus.Draft:
                return new Error.Conflict("A draft has no number to void: delete it instead.");
        }

        if (invoice.Paid > 0 || await db.Payments.AnyAsync(p => p.InvoiceId == id, cancellationToken))
        {
            return new Error.Conflict($"Invoice {InvoiceNumbers.Display(invoice.Number)} has payments recorded against it: it cannot be voided.");
        }

        var lineIds = invoice.Lines.Select(l => l.Id).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var place in await db.TutoringSessionStudents.Where(l => l.InvoiceLineId != null && lineIds.Contains(l.InvoiceLineId.Value)).ToListAsync(cancellationToken))
        {
            place.InvoiceLineId = null;
        }

        invoice.Status = InvoiceStatus.Void;
        invoice.VoidedAt = clock.GetUtcNow().UtcDateTime;
        invoice.VoidReason = request.Reason!.Trim();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await ReadAsync(db, caller, id, CancellationToken.None))!;
    }

    /// <summary>
    /// A new draft for a void invoice's family and period with those of its sessions still un-billed, priced again
    /// with today's rates (the usual reason to void is a wrong price). It replaces the void one (ReplacesId).
    /// </summary>
    public async Task<Result<InvoiceView>> ReissueAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var original = await Editable(db, caller).AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (original is null)
        {
            return NotFound(id);
        }

        if (original.Status != InvoiceStatus.Void)
        {
            return new Error.Conflict("Only a void invoice is re-issued: void this one first.");
        }

        await EnsureCounterAsync(db, original.SchoolId, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockCounterAsync(db, original.SchoolId, cancellationToken);
        if (await db.Invoices.Where(i => i.ReplacesId == id && i.Status != InvoiceStatus.Void).Select(i => (int?)i.Id).FirstOrDefaultAsync(cancellationToken) is { } existing)
        {
            return new Error.Conflict($"Invoice {existing} already re-issues this one.", new Dictionary<string, object?> { ["existingId"] = existing });
        }

        var placeIds = original.Lines.Where(l => l.SessionStudentId != null).Select(l => l.SessionStudentId!.Value).ToList();
        var places = await db.TutoringSessionStudents
            .Include(l => l.Session!).ThenInclude(s => s.Tutor)
            .Include(l => l.Student)
            .Where(l => placeIds.Contains(l.Id) && l.InvoiceLineId == null)
            .ToListAsync(cancellationToken);
        var rates = await db.TutoringRates.AsNoTracking().Where(r => r.SchoolId == original.SchoolId).ToListAsync(cancellationToken);
        foreach (var place in places)
        {
            if (TutoringPricing.RateFor(rates, place.Session!, place.StudentId) is { } rate)
            {
                place.Rate = rate;
                place.Amount = TutoringPricing.Amount(rate, place.Session!);
            }
        }

        places = places.Where(p => p.Amount is not null).ToList();
        if (places.Count == 0)
        {
            return new Error.Conflict("None of this invoice's sessions is left to bill: they are on other invoices, or have no price now.");
        }

        var school = await db.Schools.AsNoTracking().Where(s => s.Id == original.SchoolId).Select(s => new { s.Currency, s.TimeZone }).FirstAsync(cancellationToken);
        var invoice = new Invoice
        {
            SchoolId = original.SchoolId,
            GuardianId = original.GuardianId,
            Status = InvoiceStatus.Draft,
            Currency = school.Currency,
            PeriodFrom = original.PeriodFrom,
            PeriodTo = original.PeriodTo,
            Notes = original.Notes,
            ReplacesId = original.Id,
        };
        var lines = LinesFor(invoice, places, school.TimeZone);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (line, place) in lines)
        {
            place.InvoiceLineId = line.Id;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await ReadAsync(db, caller, invoice.Id, CancellationToken.None))!;
    }

    /// <summary>Deletes a draft (its sessions become billable again); anything sent is 409.</summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var invoice = await Editable(db, caller).Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (invoice is null)
        {
            return NotFound(id);
        }

        if (invoice.Status != InvoiceStatus.Draft)
        {
            return new Error.Conflict($"Invoice {InvoiceNumbers.Display(invoice.Number)} has been sent: it is never deleted. Void it instead.");
        }

        var lineIds = invoice.Lines.Select(l => l.Id).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var place in await db.TutoringSessionStudents.Where(l => l.InvoiceLineId != null && lineIds.Contains(l.InvoiceLineId.Value)).ToListAsync(cancellationToken))
        {
            place.InvoiceLineId = null;
        }

        db.Invoices.Remove(invoice);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The invoices the caller may see: invoices.view's reach; drafts only where finance.view reaches too.</summary>
    internal IQueryable<Invoice> Visible(LyceumDbContext db, Caller caller)
    {
        var rows = access.Reachable(db.Invoices, caller, Permissions.InvoicesView);
        if (caller.CanEverywhere(Permissions.FinanceView))
        {
            return rows;
        }

        if (!caller.Can(Permissions.FinanceView))
        {
            return rows.Where(i => i.Status != InvoiceStatus.Draft);
        }

        var finance = access.Reachable(db.Invoices, caller, Permissions.FinanceView).Select(i => i.Id);
        return rows.Where(i => i.Status != InvoiceStatus.Draft || finance.Contains(i.Id));
    }

    internal IQueryable<Invoice> Editable(LyceumDbContext db, Caller caller) =>
        access.Reachable(db.Invoices, caller, Permissions.FinanceEdit, Permissions.FinanceView);

    internal async Task<InvoiceView?> ReadAsync(LyceumDbContext db, Caller caller, int id, CancellationToken cancellationToken)
    {
        var invoice = await Visible(db, caller).AsNoTracking()
            .Where(i => i.Id == id)
            .Select(i => new
            {
                i.Id,
                i.SchoolId,
                School = db.Schools.Where(s => s.Id == i.SchoolId).Select(s => s.Name).First(),
                i.Number,
                i.Status,
                i.GuardianId,
                Guardian = (i.Guardian!.Title == null ? "" : i.Guardian.Title + " ") + i.Guardian.FirstName + " " + i.Guardian.LastName,
                i.Guardian.Address,
                i.Guardian.Email,
                i.Currency,
                i.PeriodFrom,
                i.PeriodTo,
                i.IssuedOn,
                i.DueOn,
                i.Total,
                i.Paid,
                i.Notes,
                i.SentAt,
                i.VoidedAt,
                i.VoidReason,
                i.ReplacesId,
                i.Version,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (invoice is null)
        {
            return null;
        }

        var lines = await db.InvoiceLines.AsNoTracking().Where(l => l.InvoiceId == id).OrderBy(l => l.Position)
            .Select(l => new InvoiceLineView(l.Id, l.Position, l.SessionStudentId, l.StudentId, l.Student!.FirstName + " " + l.Student.LastName, l.Date,
                l.Description, l.Hours, l.Rate, l.Amount))
            .ToListAsync(cancellationToken);
        var payments = await db.Payments.AsNoTracking().Where(p => p.InvoiceId == id).OrderBy(p => p.PaidOn).ThenBy(p => p.Id)
            .Select(p => new PaymentView(p.Id, p.InvoiceId, p.Amount, p.PaidOn, p.Method, p.Reference, p.ClientId, p.CreatedAt))
            .ToListAsync(cancellationToken);
        var replacedBy = await Visible(db, caller).Where(i => i.ReplacesId == id).OrderByDescending(i => i.Id).Select(i => (int?)i.Id).FirstOrDefaultAsync(cancellationToken);
        return new InvoiceView(
            invoice.Id, invoice.SchoolId, invoice.School, invoice.Number, InvoiceNumbers.Display(invoice.Number), invoice.Status, invoice.GuardianId,
            invoice.Guardian.Trim(), invoice.Address, invoice.Email, invoice.Currency, invoice.PeriodFrom, invoice.PeriodTo, invoice.IssuedOn, invoice.DueOn,
            invoice.Total, invoice.Paid, Balance(invoice.Status, invoice.Total, invoice.Paid), invoice.Notes, invoice.SentAt, invoice.VoidedAt,
            invoice.VoidReason, invoice.ReplacesId, replacedBy, lines, payments, invoice.Version);
    }

    /// <summary>What is still owed: nothing on a draft or a void invoice.</summary>
    public static decimal Balance(InvoiceStatus status, decimal total, decimal paid) =>
        status is InvoiceStatus.Sent or InvoiceStatus.Paid ? Math.Max(0, total - paid) : 0;

    /// <summary>
    /// The guardian who pays for each student: a linked, current guardian with parental responsibility first, then by
    /// contact priority (1 is called first), then the earliest linked.
    /// </summary>
    internal static async Task<Dictionary<int, int>> BillToAsync(LyceumDbContext db, IReadOnlyCollection<int> studentIds, CancellationToken cancellationToken)
    {
        if (studentIds.Count == 0)
        {
            return [];
        }

        var links = await db.StudentGuardians.AsNoTracking()
            .Where(l => studentIds.Contains(l.StudentId) && l.Guardian!.ArchivedAt == null)
            .Select(l => new { l.StudentId, l.GuardianId, l.HasParentalResponsibility, l.ContactPriority })
            .ToListAsync(cancellationToken);
        return links.GroupBy(l => l.StudentId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(l => l.HasParentalResponsibility)
                .ThenBy(l => l.ContactPriority <= 0 ? int.MaxValue : l.ContactPriority)
                .ThenBy(l => l.GuardianId)
                .First().GuardianId);
    }

    /// <summary>The invoice's lines for these places, by date then student, and its total.</summary>
    private static List<(InvoiceLine Line, TutoringSessionStudent Place)> LinesFor(Invoice invoice, IEnumerable<TutoringSessionStudent> places, string timeZone)
    {
        var ordered = places
            .OrderBy(p => p.Session!.StartUtc).ThenBy(p => p.Student!.LastName, StringComparer.Ordinal).ThenBy(p => p.Student!.FirstName, StringComparer.Ordinal)
            .ToList();
        var lines = new List<(InvoiceLine, TutoringSessionStudent)>();
        var position = 1;
        foreach (var place in ordered)
        {
            var session = place.Session!;
            var hours = Math.Round((decimal)(session.EndUtc - session.StartUtc).TotalMinutes / 60m, 2);
            var zone = string.IsNullOrEmpty(session.TimeZone) ? timeZone : session.TimeZone;
            var startLocal = Local(session.StartUtc, zone);
            var endLocal = Local(session.EndUtc, zone);
            var tutor = session.Tutor is { } t ? $"{t.FirstName} {t.LastName}" : null;
            var description = string.Create(CultureInfo.InvariantCulture,
                $"{place.Student!.FirstName} {place.Student.LastName}: {session.Subject}{(tutor is null ? "" : $" with {tutor}")}, {startLocal:HH:mm}–{endLocal:HH:mm}");
            var line = new InvoiceLine
            {
                Position = position++,
                SessionStudentId = place.Id,
                StudentId = place.StudentId,
                Date = DateOnly.FromDateTime(startLocal),
                Description = description.Length > 300 ? description[..299] + "…" : description,
                Hours = hours,
                Rate = place.Rate ?? (hours == 0 ? 0 : Math.Round(place.Amount!.Value / hours, 2)),
                Amount = place.Amount!.Value,
            };
            invoice.Lines.Add(line);
            lines.Add((line, place));
        }

        invoice.Total = invoice.Lines.Sum(l => l.Amount);
        return lines;
    }

    private static DateTime Local(DateTime utc, string zone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var info) ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), info) : utc;

    /// <summary>
    /// Completed sessions of the period whose places were never priced (no rate matched when they were completed):
    /// priced now with the school's rates, if one matches. Answers how many are still without a price.
    /// </summary>
    private static async Task<int> PriceMissingAsync(LyceumDbContext db, int schoolId, DateTime start, DateTime end, CancellationToken cancellationToken)
    {
        var places = await db.TutoringSessionStudents.Include(l => l.Session)
            .Where(l => l.Session!.SchoolId == schoolId && l.Session.Status == SessionStatus.Completed && l.Session.StartUtc >= start && l.Session.StartUtc < end
                        && l.InvoiceLineId == null && l.Amount == null)
            .ToListAsync(cancellationToken);
        if (places.Count == 0)
        {
            return 0;
        }

        var rates = await db.TutoringRates.AsNoTracking().Where(r => r.SchoolId == schoolId).ToListAsync(cancellationToken);
        var left = 0;
        foreach (var place in places)
        {
            if (TutoringPricing.RateFor(rates, place.Session!, place.StudentId) is { } rate)
            {
                place.Rate = rate;
                place.Amount = TutoringPricing.Amount(rate, place.Session!);
            }
            else
            {
                left++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return left;
    }

    /// <summary>Makes the school's counter row if it has none (two at once: one insert wins, the other is ignored).</summary>
    internal static async Task EnsureCounterAsync(LyceumDbContext db, int schoolId, CancellationToken cancellationToken)
    {
        if (await db.InvoiceCounters.AnyAsync(c => c.SchoolId == schoolId, cancellationToken))
        {
            return;
        }

        var counter = new InvoiceCounter { SchoolId = schoolId, NextNumber = 1, Version = Guid.NewGuid() };
        db.InvoiceCounters.Add(counter);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Made by a concurrent request: theirs is the one.
        }
        finally
        {
            db.Entry(counter).State = EntityState.Detached;
        }
    }

    /// <summary>
    /// The school's counter, locked for the rest of the transaction on PostgreSQL (SELECT … FOR UPDATE: a second sender
    /// waits, then reads the advanced counter). SQLite runs one writing transaction at a time, and the counter's version
    /// check refuses a stale write on both.
    /// </summary>
    internal static async Task<InvoiceCounter> LockCounterAsync(LyceumDbContext db, int schoolId, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            return await db.InvoiceCounters.FromSqlInterpolated($"SELECT * FROM \"InvoiceCounters\" WHERE \"SchoolId\" = {schoolId} FOR UPDATE")
                .AsTracking().FirstAsync(cancellationToken);
        }

        var counter = await db.InvoiceCounters.FirstAsync(c => c.SchoolId == schoolId, cancellationToken);
        // Writing the row at once takes SQLite's write lock for this transaction.
        counter.Version = Guid.NewGuid();
        await db.SaveChangesAsync(cancellationToken);
        return counter;
    }

    private static Error.Conflict Immutable(Invoice invoice) => new(
        invoice.Status == InvoiceStatus.Void
            ? $"Invoice {InvoiceNumbers.Display(invoice.Number)} is void and never changes: re-issue it to bill its sessions again."
            : $"Invoice {InvoiceNumbers.Display(invoice.Number)} has been sent and never changes: void it and re-issue it to correct it.",
        new Dictionary<string, object?> { ["invoiceStatus"] = invoice.Status.ToString().ToLowerInvariant(), ["invoiceNumber"] = invoice.Number });

    private static Error.NotFound NotFound(int id) => new($"There is no invoice {id}.");
}
