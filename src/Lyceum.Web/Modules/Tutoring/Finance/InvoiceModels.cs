namespace Lyceum.Modules.Tutoring.Finance;

/// <summary>Drafts for the completed, un-invoiced sessions of a period: one per family, or only <see cref="GuardianId"/>'s.</summary>
public sealed record GenerateInvoicesRequest(int? SchoolId, DateOnly? From, DateOnly? To, int? GuardianId = null);

/// <summary>A student whose sessions could not be billed, and why (no guardian to bill).</summary>
public sealed record SkippedStudent(int StudentId, string Name, string Reason);

/// <summary>
/// What a generation made: the new drafts (none when everything of the period is already billed), the students left
/// out, and how many session places have no price (no rate matched: set one and generate again).
/// </summary>
public sealed record GenerateInvoicesResult(IReadOnlyList<InvoiceView> Created, IReadOnlyList<SkippedStudent> Skipped, int Unpriced);

/// <summary>A draft's own fields. A sent invoice never changes.</summary>
public sealed record InvoiceEditRequest(string? Notes, DateOnly? DueOn);

/// <summary>Optional when sending: the due date (default: 14 days after the issue date).</summary>
public sealed record SendInvoiceRequest(DateOnly? DueOn = null);

public sealed record VoidInvoiceRequest(string? Reason);

public sealed record PaymentRequest(decimal? Amount, DateOnly? PaidOn, string? Method, string? Reference = null, Guid? ClientId = null);

public sealed record InvoiceLineView(
    int Id, int Position, int? SessionStudentId, int StudentId, string Student, DateOnly Date, string Description, decimal Hours, decimal Rate, decimal Amount);

public sealed record PaymentView(int Id, int InvoiceId, decimal Amount, DateOnly PaidOn, string Method, string? Reference, Guid? ClientId, DateTime RecordedAt);

public sealed record InvoiceView(
    int Id, int SchoolId, string School, int? Number, string? DisplayNumber, InvoiceStatus Status, int GuardianId, string BillTo, string? BillToAddress,
    string? BillToEmail, string Currency, DateOnly PeriodFrom, DateOnly PeriodTo, DateOnly? IssuedOn, DateOnly? DueOn, decimal Total, decimal Paid,
    decimal Balance, string? Notes, DateTime? SentAt, DateTime? VoidedAt, string? VoidReason, int? ReplacesId, int? ReplacedById,
    IReadOnlyList<InvoiceLineView> Lines, IReadOnlyList<PaymentView> Payments, Guid Version);

public sealed record InvoiceListItem(
    int Id, int SchoolId, int? Number, string? DisplayNumber, InvoiceStatus Status, int GuardianId, string BillTo, string Currency, DateOnly PeriodFrom,
    DateOnly PeriodTo, DateOnly? IssuedOn, DateOnly? DueOn, decimal Total, decimal Paid, decimal Balance, int Lines, Guid Version);

public sealed record InvoiceFilter(
    int? SchoolId = null, InvoiceStatus? Status = null, int? GuardianId = null, int? StudentId = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>What a family owes: the unpaid part of its sent invoices.</summary>
public sealed record BalanceView(int GuardianId, string Guardian, IReadOnlyList<CurrencyBalance> Balances, int OpenInvoices, int Overdue);

public sealed record CurrencyBalance(string Currency, decimal Outstanding, decimal Overdue);

public static class InvoiceNumbers
{
    /// <summary>How a number is shown and printed: the school's sequence, six digits ("INV-000042").</summary>
    public static string? Display(int? number) =>
        number is { } n ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"INV-{n:000000}") : null;
}
