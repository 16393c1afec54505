using System.Globalization;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Finance;

/// <summary>
/// The finance part of tutoring's domain events, written into the caller's context (<see cref="Outbox"/>): saved by the
/// caller's SaveChanges in its transaction, so an invoice is announced exactly when it is sent.
/// </summary>
public static class FinanceEvents
{
    public const string InvoiceIssued = "tutoring.invoice-issued";

    /// <summary>An invoice was sent: the guardian it is billed to hears of it (if they sign in).</summary>
    public static async Task InvoiceIssuedAsync(LyceumDbContext db, DateTime now, Invoice invoice, CancellationToken cancellationToken)
    {
        var school = await db.Schools.AsNoTracking().Where(s => s.Id == invoice.SchoolId).Select(s => s.Name).FirstAsync(cancellationToken);
        var guardian = await db.Guardians.AsNoTracking().Where(g => g.Id == invoice.GuardianId).Select(g => new { g.UserId }).FirstAsync(cancellationToken);
        var number = InvoiceNumbers.Display(invoice.Number);
        var amount = Money.Format(invoice.Total, invoice.Currency);
        var recipients = guardian.UserId is { } user
            ? [new NotificationDraft(user, $"Invoice {number} from {school}", string.Create(CultureInfo.InvariantCulture,
                $"{amount} for tutoring from {invoice.PeriodFrom:d MMM yyyy} to {invoice.PeriodTo:d MMM yyyy}, due on {invoice.DueOn:d MMM yyyy}."), "/invoices")]
            : Array.Empty<NotificationDraft>();
        Outbox.Add(db, now, InvoiceIssued,
            new { invoiceId = invoice.Id, invoice.SchoolId, invoice.Number, invoice.GuardianId, invoice.Currency, invoice.Total, invoice.IssuedOn, invoice.DueOn, invoice.PeriodFrom, invoice.PeriodTo },
            invoice.SchoolId, recipients);
    }
}

/// <summary>Amounts as people read them: the currency's symbol where .NET knows one for it, two decimals.</summary>
public static class Money
{
    private static readonly Dictionary<string, string> Symbols = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c =>
        {
            try
            {
                var region = new RegionInfo(c.Name);
                return (region.ISOCurrencySymbol, region.CurrencySymbol);
            }
            catch (ArgumentException)
            {
                return (ISOCurrencySymbol: "", CurrencySymbol: "");
            }
        })
        .Where(x => x.ISOCurrencySymbol.Length == 3)
        .GroupBy(x => x.ISOCurrencySymbol, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First().CurrencySymbol, StringComparer.OrdinalIgnoreCase);

    /// <summary>"€1,234.50", "£12.00"; an unknown code is written out ("1,234.50 XYZ").</summary>
    public static string Format(decimal amount, string currency)
    {
        var number = amount.ToString("#,##0.00", CultureInfo.InvariantCulture);
        var negative = amount < 0;
        if (negative)
        {
            number = number[1..];
        }

        var text = Symbols.TryGetValue(currency, out var symbol) && symbol.Length <= 3 && !symbol.Equals(currency, StringComparison.OrdinalIgnoreCase)
            ? symbol + number
            : $"{number} {currency.ToUpperInvariant()}";
        return negative ? "-" + text : text;
    }
}
