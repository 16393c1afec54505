using Lyceum.Modules.Schools;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Tutoring.Finance;

/// <summary>
/// Rates, revenue, invoices and payments under /api/v1 (finance.view / finance.edit: the administrator), the invoices
/// a guardian may read (invoices.view: their family's), and the PDF of an invoice for the pages at /invoices/{id}.pdf.
/// </summary>
public static class FinanceEndpoints
{
    private const string Pdf = "application/pdf";

    public static IServiceCollection AddTutoringFinance(this IServiceCollection services) =>
        services
            .AddSingleton<ScopeRules<TutoringRate>, SchoolOwnedScopes<TutoringRate>>()
            .AddScoped<RatesHandler>()
            .AddScoped<RevenueHandler>()
            .AddScoped<InvoicesHandler>()
            .AddScoped<PaymentsHandler>();

    public static IEndpointRouteBuilder MapTutoringFinance(this IEndpointRouteBuilder api)
    {
        MapRates(api.MapGroup("/tutoring/rates").WithTags("Tutoring finance"));

        api.MapGet("/tutoring/revenue", async Task<Results<Ok<RevenueView>, ProblemHttpResult>> (
                int? schoolId, DateOnly? from, DateOnly? to, string? groupBy, Caller caller, RevenueHandler handler, CancellationToken cancellationToken) =>
            {
                var grouping = EnumQuery.Parse<RevenueGrouping>("groupBy", groupBy);
                return grouping.IsSuccess
                    ? (await handler.GetAsync(caller, schoolId, from, to, grouping.Value, cancellationToken)).ToOk()
                    : grouping.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.FinanceView)
            .WithTags("Tutoring finance")
            .WithName("GetTutoringRevenue")
            .WithSummary("What completed tutoring sessions earned, grouped by month, student or tutor")
            .WithDescription("schoolId is required; from and to are the school's local dates (default: the last 12 months to today; at most 3 years). " +
                "groupBy is month (default), student or tutor. Amounts are each student's price fixed when the session was completed, in the school's currency; " +
                "unpriced counts the places of completed sessions that no rate priced.")
            .ProducesValidationProblem();

        MapInvoices(api.MapGroup("/invoices").WithTags("Invoices"));

        api.MapGet("/guardians/{id:int}/balance", async Task<Results<Ok<BalanceView>, ProblemHttpResult>> (
                int id, Caller caller, PaymentsHandler handler, CancellationToken cancellationToken) =>
            (await handler.BalanceAsync(caller, id, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.InvoicesView)
            .WithTags("Invoices")
            .WithName("GetGuardianBalance")
            .WithSummary("What a family owes: the unpaid part of the sent invoices billed to the guardian, and how much of it is overdue")
            .WithDescription("The school's finance sees any guardian's; a guardian only their own (any other is 404).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static void MapRates(RouteGroupBuilder rates)
    {
        rates.MapGet("/", async Task<Results<Ok<IReadOnlyList<RateView>>, ProblemHttpResult>> (
                int? schoolId, Caller caller, RatesHandler handler, CancellationToken cancellationToken) =>
            (await handler.ListAsync(caller, schoolId, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.FinanceView)
            .WithName("ListTutoringRates")
            .WithSummary("The tutoring rates, the school default first, then the more specific ones");

        rates.MapGet("/{id:int}", async Task<Results<Ok<RateView>, StatusCodeHttpResult, ProblemHttpResult>> (
                int id, HttpContext http, Caller caller, RatesHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOkOrNotModified(http, v => v.Version))
            .RequireAuthorization(Permissions.FinanceView)
            .WithName("GetTutoringRate")
            .WithSummary("One tutoring rate")
            .ProducesProblem(StatusCodes.Status404NotFound);

        rates.MapPost("/", async Task<Results<Created<RateView>, ProblemHttpResult>> (
                RateRequest request, HttpContext http, Caller caller, RatesHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.CreateAsync(caller, request, cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error!.ToProblem();
                }

                http.Response.Headers.ETag = ETags.For(result.Value!.Version);
                return TypedResults.Created($"/api/v1/tutoring/rates/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Permissions.FinanceEdit)
            .WithName("CreateTutoringRate")
            .WithSummary("Set a price per student per hour for a student, a tutor, a subject, a combination, or the school's default (none of them)")
            .WithDescription("Body: { schoolId, studentId?, tutorId?, subject?, hourlyRate (0–100000, at most 2 decimals) }. A second rate for the same " +
                "combination is 409 (existingId names the one to change). Send an Idempotency-Key header to retry safely.")
            .WithIdempotencyKey()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        rates.MapPut("/{id:int}", async Task<Results<Ok<RateView>, ProblemHttpResult>> (
                int id, RateRequest request, HttpContext http, Caller caller, RatesHandler handler, CancellationToken cancellationToken) =>
            {
                var ifMatch = OptionalIfMatch(http);
                if (!ifMatch.IsSuccess)
                {
                    return ifMatch.Error!.ToProblem();
                }

                return (await handler.UpdateAsync(caller, id, ifMatch.Value, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version);
            })
            .RequireAuthorization(Permissions.FinanceEdit)
            .WithName("UpdateTutoringRate")
            .WithSummary("Change a rate's combination or price (sessions already completed keep their price)")
            .WithDescription("If-Match is optional: when sent it must be the rate's ETag (412 otherwise).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        rates.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (
                int id, Caller caller, RatesHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.DeleteAsync(caller, id, cancellationToken);
                return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.FinanceEdit)
            .WithName("DeleteTutoringRate")
            .WithSummary("Delete a rate (sessions already completed keep their price)")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static void MapInvoices(RouteGroupBuilder invoices)
    {
        invoices.MapPost("/generate", async Task<Results<Ok<GenerateInvoicesResult>, ProblemHttpResult>> (
                GenerateInvoicesRequest request, Caller caller, InvoicesHandler handler, CancellationToken cancellationToken) =>
            (await handler.GenerateAsync(caller, request, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.FinanceEdit)
            .WithName("GenerateInvoices")
            .WithSummary("Draft invoices for the completed, un-invoiced sessions of a period: one per family")
            .WithDescription("Body: { schoolId, from, to (the school's local dates, at most 366 days), guardianId? }. Each student's sessions are billed to " +
                "their guardian with parental responsibility and the first contact priority; siblings with the same guardian share one invoice. " +
                "Safe to repeat: a session already on an invoice is not billed again, so a second run creates nothing. Places without a price are " +
                "priced with today's rates if one matches; those still without one are counted in unpriced; students with no guardian are in skipped.")
            .ProducesValidationProblem();

        invoices.MapGet("/", async Task<Results<Ok<PagedResult<InvoiceListItem>>, ProblemHttpResult>> (
                [AsParameters] ListQuery query, int? schoolId, string? status, int? guardianId, int? studentId, DateOnly? from, DateOnly? to,
                Caller caller, InvoicesHandler handler, CancellationToken cancellationToken) =>
            {
                var state = EnumQuery.Parse<InvoiceStatus>("status", status);
                return state.IsSuccess
                    ? (await handler.ListAsync(caller, query, new InvoiceFilter(schoolId, state.Value, guardianId, studentId, from, to), cancellationToken)).ToOk()
                    : state.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.InvoicesView)
            .WithName("ListInvoices")
            .WithSummary("List invoices, a page at a time: the school's (finance), or a family's own (a guardian; never drafts)")
            .WithDescription("Sortable fields: " + string.Join(", ", InvoicesHandler.SortFields.Keys) + ". status is draft, sent, paid or void; from/to keep " +
                "invoices whose period overlaps them; q searches the guardian's and the students' names.")
            .ProducesValidationProblem();

        invoices.MapGet("/{id:int}", async Task<Results<Ok<InvoiceView>, StatusCodeHttpResult, ProblemHttpResult>> (
                int id, HttpContext http, Caller caller, InvoicesHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOkOrNotModified(http, v => v.Version))
            .RequireAuthorization(Permissions.InvoicesView)
            .WithName("GetInvoice")
            .WithSummary("One invoice with its lines and payments")
            .ProducesProblem(StatusCodes.Status404NotFound);

        invoices.MapPut("/{id:int}", async Task<Results<Ok<InvoiceView>, ProblemHttpResult>> (
                int id, InvoiceEditRequest request, HttpContext http, Caller caller, InvoicesHandler handler, CancellationToken cancellationToken) =>
            {
                var ifMatch = OptionalIfMatch(http);
                if (!ifMatch.IsSuccess)
                {
                    return ifMatch.Error!.ToProblem();
                }

                return (await handler.EditAsync(caller, id, ifMatch.Value, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version);
            })
            .RequireAuthorization(Permissions.FinanceEdit)
            .WithName("EditInvoice")
            .WithSummary("Change a draft's notes and due date; a sent invoice never changes (409)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        invoices.MapDelete("/{id:int}/lines/{lineId:int}", async Task<Results<Ok<InvoiceView>, ProblemHttpResult>> (
                int id, int lineId, HttpContext http, Caller caller, InvoicesHandler handler, CancellationToken cancellationToken) =>
            (await handler.RemoveLineAsync(caller, id, lineId, cancellationToken)).ToOkWithETag(http.Response, v => v.Version))
            .RequireAuthorization(Permissions.FinanceEdit)
            .WithName("RemoveInvoiceLine")
            .WithSummary("Take a line off a draft (its session can be billed again); a sent invoice never changes (409)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        invoices.MapPost("/{id:int}/send", async Task<Results<Ok<InvoiceView>, ProblemHttpResult>> (
                int id, SendInvoiceRequest? request, HttpContext http, Caller caller, InvoicesHandler handler, CancellationToken cancellationToken) =>
            (await handler.SendAsync(caller, id, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version))
            .RequireAuthorization(Permissions.FinanceEdit)
            .WithName("SendInvoice")
            .WithSummary("Send a draft: it takes the school's next invoice number (no gaps), today's date and a due date, and the guardian is notified")
            .WithDescription("Body (optional): { dueOn } (default 14 days after the issue date). Safe to repeat: a sent invoice answers unchanged. " +
                "A void invoice is 409.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        invoices.MapPost("/{id:int}/void", async Task<Results<Ok<InvoiceView>, ProblemHttpResult>> (
                int id, VoidInvoiceRequest request, HttpContext http, Caller caller, InvoicesHandler handler, CancellationToken cancellationToken) =>
            (await handler.VoidAsync(caller, id, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version))
            .RequireAuthorization(Permissions.FinanceEdit)
            .WithName("VoidInvoice")
            .WithSummary("Void a sent invoice without payments: its number stays used, its sessions can be billed again")
            .WithDescription("Body: { reason } (required, ≤ 500). A draft is deleted instead (409); an invoice with payments cannot be voided (409).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        invoices.MapPost("/{id:int}/reissue", async Task<Results<Created<InvoiceView>, ProblemHttpResult>> (
                int id, Caller caller, InvoicesHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.ReissueAsync(caller, id, cancellationToken);
                return result.IsSuccess ? TypedResults.Created($"/api/v1/invoices/{result.Value!.Id}", result.Value) : result.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.FinanceEdit)
            .WithName("ReissueInvoice")
            .WithSummary("A new draft replacing a void invoice (replacesId), with its sessions that are still un-billed, priced with today's rates")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        invoices.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (
                int id, Caller caller, InvoicesHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.DeleteAsync(caller, id, cancellationToken);
                return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.FinanceEdit)
            .WithName("DeleteInvoice")
            .WithSummary("Delete a draft (its sessions can be billed again); a sent invoice is voided, never deleted (409)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        invoices.MapPost("/{id:int}/payments", async Task<Results<Created<PaymentView>, Ok<PaymentView>, ProblemHttpResult>> (
                int id, PaymentRequest request, HttpContext http, Caller caller, PaymentsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.RecordAsync(caller, id, request, cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error!.ToProblem();
                }

                var recorded = result.Value!;
                http.Response.Headers.ETag = ETags.For(recorded.Invoice.Version);
                return recorded.Replayed
                    ? TypedResults.Ok(recorded.Payment)
                    : TypedResults.Created($"/api/v1/invoices/{id}", recorded.Payment);
            })
            .RequireAuthorization(Permissions.FinanceEdit)
            .WithName("RecordPayment")
            .WithSummary("Record money received against a sent invoice; the invoice is paid once payments reach its total")
            .WithDescription("Body: { amount (> 0, ≤ what is owed, at most 2 decimals), paidOn (not in the future), method (" +
                string.Join(", ", PaymentsHandler.Methods) + "), reference?, clientId? }. With a clientId (a UUID the client makes) recording is safe to " +
                "repeat: the same clientId answers 200 with the payment it recorded, and records nothing more.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        invoices.MapGet("/{id:int}/pdf", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (
                int id, HttpContext http, Caller caller, InvoicesHandler handler, CancellationToken cancellationToken) =>
            await PdfAsync(http, caller, handler, id, cancellationToken))
            .RequireAuthorization(Permissions.InvoicesView)
            .WithName("PrintInvoice")
            .WithSummary("One invoice as PDF (a draft or void one is marked so across each page)")
            .Produces(StatusCodes.Status200OK, contentType: Pdf)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// The invoice PDF for the pages (the API takes bearer tokens only): /invoices/{id}.pdf with the sign-in cookie,
    /// the same reach as the API (a guardian: their family's sent invoices; anything else is 404). A GET that only reads,
    /// never cached, sent as an attachment, so another site can neither change anything nor read it through this link.
    /// </summary>
    public static IEndpointRouteBuilder MapInvoiceDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/invoices/{id:int}.pdf", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (
                int id, HttpContext http, InvoicesHandler handler, AccessService access, CancellationToken cancellationToken) =>
            await PdfAsync(http, await access.CallerAsync(http), handler, id, cancellationToken))
            .RequireAuthorization(Permissions.InvoicesView)
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> PdfAsync(
        HttpContext http, Caller caller, InvoicesHandler handler, int id, CancellationToken cancellationToken)
    {
        var invoice = await handler.GetAsync(caller, id, cancellationToken);
        if (!invoice.IsSuccess)
        {
            return invoice.Error!.ToProblem();
        }

        // PDFsharp writes synchronously, which a response body refuses: a temporary file, deleted once sent.
        var file = new FileStream(
            Path.Combine(Path.GetTempPath(), $"lyceum-{Guid.NewGuid():N}.pdf"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            InvoicePdf.Write(invoice.Value!, file);
            file.Position = 0;
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.File(file, Pdf, InvoicePdf.FileName(invoice.Value!));
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    private static Result<Guid?> OptionalIfMatch(HttpContext http)
    {
        if (http.Request.Headers.IfMatch.Count == 0)
        {
            return (Guid?)null;
        }

        var version = ETags.ReadIfMatch(http.Request);
        return version.IsSuccess ? version.Value : version.Error!;
    }
}

/// <summary>An enum in a query string, as the API writes it (camelCase) or in any case; numbers are not names.</summary>
internal static class EnumQuery
{
    public static Result<T?> Parse<T>(string field, string? value)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (T?)null;
        }

        var text = value.Trim().Replace("-", "", StringComparison.Ordinal);
        return !text.All(char.IsAsciiLetter) || !Enum.TryParse<T>(text, ignoreCase: true, out var parsed)
            ? Error.Field(field, $"Must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}.")
            : parsed;
    }
}
