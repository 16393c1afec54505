using Lyceum.Modules.Schools;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Finance;

/// <summary>A payment as recorded: <see cref="Replayed"/> when the same clientId had already recorded it.</summary>
public sealed record RecordedPayment(PaymentView Payment, InvoiceView Invoice, bool Replayed);

/// <summary>
/// Payments against sent invoices (finance.edit): partial payments add up, never beyond what is owed; the invoice is
/// Paid once they reach its total. A client-generated clientId makes recording safe to repeat: the same id answers the
/// payment it recorded. Balances: what a family still owes on its sent invoices (invoices.view; a guardian: their own).
/// </summary>
public sealed class PaymentsHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, InvoicesHandler invoices, TimeProvider clock)
{
    public const decimal MaxAmount = 10_000_000m;

    public static readonly IReadOnlyList<string> Methods = ["cash", "card", "bank-transfer", "cheque", "direct-debit", "other"];

    public async Task<Result<RecordedPayment>> RecordAsync(Caller caller, int invoiceId, PaymentRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        FinanceAccess.CheckMoney(errors, "amount", request.Amount, MaxAmount, allowZero: false);
        if (request.PaidOn is null)
        {
            errors.Add("paidOn", "This field is required.");
        }

        if (string.IsNullOrWhiteSpace(request.Method))
        {
            errors.Add("method", $"This field is required: one of {string.Join(", ", Methods)}.");
        }
        else if (!Methods.Contains(request.Method.Trim().ToLowerInvariant()))
        {
            errors.Add("method", $"Must be one of {string.Join(", ", Methods)}.");
        }

        errors.MaxLength("reference", request.Reference?.Trim(), 100);
        if (request.ClientId == Guid.Empty)
        {
            errors.Add("clientId", "Must be a new UUID of the client's making, not the empty one.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (request.ClientId is { } clientId && await ReplayAsync(db, caller, invoiceId, clientId, cancellationToken) is { } replay)
            {
                return replay;
            }

            var invoice = await invoices.Editable(db, caller).FirstOrDefaultAsync(i => i.Id == invoiceId, cancellationToken);
            if (invoice is null)
            {
                return new Error.NotFound($"There is no invoice {invoiceId}.");
            }

            if (invoice.Status is InvoiceStatus.Draft or InvoiceStatus.Void)
            {
                return new Error.Conflict(invoice.Status == InvoiceStatus.Draft
                    ? "This invoice is a draft: send it before recording payments against it."
                    : "This invoice is void: nothing is owed on it.");
            }

            var owed = invoice.Total - invoice.Paid;
            var amount = request.Amount!.Value;
            if (amount > owed)
            {
                return Error.Field("amount", owed <= 0
                    ? "Nothing is owed on this invoice: it is paid."
                    : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Must be at most {owed:0.00} {invoice.Currency}, what is still owed."));
            }

            var zone = await db.Schools.Where(s => s.Id == invoice.SchoolId).Select(s => s.TimeZone).FirstAsync(cancellationToken);
            var paidOn = request.PaidOn!.Value;
            if (paidOn > clock.Today(zone))
            {
                return Error.Field("paidOn", "Must not be in the future.");
            }

            var payment = new Payment
            {
                SchoolId = invoice.SchoolId,
                InvoiceId = invoice.Id,
                Amount = amount,
                PaidOn = paidOn,
                Method = request.Method!.Trim().ToLowerInvariant(),
                Reference = TextInput.Blank(request.Reference),
                ClientId = request.ClientId,
                RecordedByUserId = caller.UserId,
            };
            invoice.Paid += amount;
            if (invoice.Paid >= invoice.Total)
            {
                invoice.Status = InvoiceStatus.Paid;
            }

            db.Payments.Add(payment);
            try
            {
                // The invoice's version guards the sum: two payments at once cannot both fit in what was owed.
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 10)
            {
                await Task.Delay(Random.Shared.Next(5, 20) * attempt, cancellationToken);
                continue;
            }

            var view = (await invoices.ReadAsync(db, caller, invoiceId, CancellationToken.None))!;
            return new RecordedPayment(view.Payments.Single(p => p.Id == payment.Id), view, Replayed: false);
        }
    }

    /// <summary>What the guardian's family owes on sent invoices (per currency), for the school's finance or the guardian themself.</summary>
    public async Task<Result<BalanceView>> BalanceAsync(Caller caller, int guardianId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var guardian = await db.Guardians.AsNoTracking().Where(g => g.Id == guardianId)
            .Select(g => new { g.Id, g.SchoolId, g.UserId, Name = g.FirstName + " " + g.LastName })
            .FirstOrDefaultAsync(cancellationToken);
        var own = guardian is not null && caller.UserId is { } user && guardian.UserId == user;
        var school = guardian is not null && await access.Reachable(db.Schools, caller, Permissions.InvoicesView).AnyAsync(s => s.Id == guardian.SchoolId, cancellationToken);
        if (guardian is null || !(own || school))
        {
            return new Error.NotFound($"There is no guardian {guardianId} whose balance you may see.");
        }

        var open = await db.Invoices.AsNoTracking()
            .Where(i => i.GuardianId == guardianId && i.Status == InvoiceStatus.Sent)
            .Select(i => new { i.Currency, i.Total, i.Paid, i.DueOn, i.SchoolId })
            .ToListAsync(cancellationToken);
        var zones = await db.Schools.AsNoTracking().Where(s => open.Select(i => i.SchoolId).Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.TimeZone, cancellationToken);
        var balances = open.GroupBy(i => i.Currency)
            .Select(g => new CurrencyBalance(g.Key, g.Sum(i => i.Total - i.Paid), g.Where(i => i.DueOn < clock.Today(zones.GetValueOrDefault(i.SchoolId))).Sum(i => i.Total - i.Paid)))
            .OrderBy(b => b.Currency, StringComparer.Ordinal)
            .ToList();
        var overdue = open.Count(i => i.DueOn < clock.Today(zones.GetValueOrDefault(i.SchoolId)));
        return new BalanceView(guardian.Id, guardian.Name, balances, open.Count, overdue);
    }

    /// <summary>The guardians linked to the caller's account: whose balances a family page shows.</summary>
    public async Task<IReadOnlyList<int>> OwnGuardiansAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } user)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Guardians.AsNoTracking().Where(g => g.UserId == user && g.ArchivedAt == null).Select(g => g.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The payment a clientId already recorded: the same answer for the same invoice, 409 for another.</summary>
    private async Task<Result<RecordedPayment>?> ReplayAsync(LyceumDbContext db, Caller caller, int invoiceId, Guid clientId, CancellationToken cancellationToken)
    {
        var existing = await db.Payments.AsNoTracking().Where(p => p.ClientId == clientId).Select(p => new { p.Id, p.InvoiceId }).FirstOrDefaultAsync(cancellationToken);
        if (existing is null)
        {
            return null;
        }

        if (existing.InvoiceId != invoiceId)
        {
            return Error.Field("clientId", "This clientId already recorded a payment against another invoice: make a new one for each payment.");
        }

        if (await invoices.ReadAsync(db, caller, invoiceId, cancellationToken) is not { } view)
        {
            return new Error.NotFound($"There is no invoice {invoiceId}.");
        }

        return new RecordedPayment(view.Payments.Single(p => p.Id == existing.Id), view, Replayed: true);
    }
}
