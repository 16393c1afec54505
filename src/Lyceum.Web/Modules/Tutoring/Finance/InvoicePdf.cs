using System.Globalization;
using Lyceum.Modules.Gradebook.ReportCards;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Lyceum.Modules.Tutoring.Finance;

/// <summary>
/// Draws one invoice as an A4 PDF with the fonts the report cards ship (<see cref="ReportCardFonts"/>: PDFsharp finds
/// none on Linux): the school, the number and dates, who it is billed to, the lines (a long invoice runs on over pages
/// under its header row), the total, what is paid and the balance, and the notes. A draft or a void invoice says so
/// across its page, so that a printout of one is never taken for a bill.
/// </summary>
internal static class InvoicePdf
{
    private const double PageWidth = 595.28;
    private const double PageHeight = 841.89;
    private const double Margin = 48;
    private const double ContentWidth = PageWidth - (2 * Margin);
    private const double Bottom = PageHeight - 60;
    private const double Padding = 5;

    private static readonly XSolidBrush Navy = new(XColor.FromArgb(0x12, 0x35, 0x5b));
    private static readonly XSolidBrush Ink = new(XColor.FromArgb(0x1f, 0x29, 0x37));
    private static readonly XSolidBrush Muted = new(XColor.FromArgb(0x55, 0x5f, 0x6d));
    private static readonly XSolidBrush Stripe = new(XColor.FromArgb(0xf6, 0xf8, 0xfa));
    private static readonly XSolidBrush Stamp = new(XColor.FromArgb(60, 0xb4, 0x23, 0x18));
    private static readonly XPen Rule = new(XColor.FromArgb(0xc9, 0xd2, 0xdc), 0.6);
    private static readonly XPen GoldRule = new(XColor.FromArgb(0xf2, 0xb1, 0x34), 2);

    static InvoicePdf() => ReportCardFonts.Install();

    public static string FileName(InvoiceView invoice) =>
        invoice.DisplayNumber is { } number ? $"invoice-{number}.pdf" : $"invoice-draft-{invoice.Id}.pdf";

    /// <summary>Writes the invoice (synchronously: give it a file or memory stream).</summary>
    public static void Write(InvoiceView invoice, Stream output)
    {
        using var document = new PdfDocument();
        var title = invoice.DisplayNumber is { } n ? $"Invoice {n}" : "Draft invoice";
        document.Info.Title = $"{title} · {invoice.School}";
        document.Info.Author = invoice.School;
        document.Info.Creator = "Lyceum";
        document.Options.CompressContentStreams = true;

        var body = Font(10);
        var bold = Font(10, true);
        var small = Font(8);
        var smallBold = Font(8.5, true);
        var pages = new List<PdfPage>();
        XGraphics? g = null;
        double y = 0;

        void NewPage()
        {
            g?.Dispose();
            var page = document.AddPage();
            page.Size = PageSize.A4;
            pages.Add(page);
            g = XGraphics.FromPdfPage(page);
            y = 40;
            if (pages.Count > 1)
            {
                Text(g, $"{invoice.School} · {title} (continued)", smallBold, Muted, Margin, y, ContentWidth);
                y += 18;
            }
        }

        NewPage();
        var gfx = g!;
        Text(gfx, invoice.School, Font(13, true), Navy, Margin, y, ContentWidth);
        Text(gfx, invoice.Status == InvoiceStatus.Draft ? "DRAFT INVOICE" : "INVOICE", Font(20, true), Ink, Margin, y + 18, ContentWidth);
        Text(gfx, invoice.DisplayNumber ?? "No number yet (not sent)", Font(11, true), Ink, Margin, y + 18, ContentWidth, XStringAlignment.Far);
        y += 52;
        gfx.DrawLine(GoldRule, Margin, y, PageWidth - Margin, y);
        y += 12;

        // Bill-to on the left, the dates on the right.
        var left = y;
        Text(gfx, "BILL TO", small, Muted, Margin, left, 250);
        left += 12;
        foreach (var line in new[] { invoice.BillTo, invoice.BillToAddress, invoice.BillToEmail }.Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            foreach (var part in line!.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
            {
                Text(gfx, part.Trim(), body, Ink, Margin, left, 250);
                left += body.GetHeight();
            }
        }

        var right = y;
        foreach (var (label, value) in new[]
                 {
                     ("Issued", Date(invoice.IssuedOn)), ("Due", Date(invoice.DueOn)),
                     ("Period", $"{Date(invoice.PeriodFrom)} – {Date(invoice.PeriodTo)}"), ("Currency", invoice.Currency),
                 })
        {
            Text(gfx, label, small, Muted, PageWidth - Margin - 230, right + 1, 70);
            Text(gfx, value, bold, Ink, PageWidth - Margin - 160, right, 160, XStringAlignment.Far);
            right += body.GetHeight() + 2;
        }

        y = Math.Max(left, right) + 16;

        // The lines.
        (string Title, double Share, XStringAlignment Align)[] columns =
            [("Date", 0.14, XStringAlignment.Near), ("Description", 0.50, XStringAlignment.Near), ("Hours", 0.10, XStringAlignment.Far),
                ("Rate", 0.12, XStringAlignment.Far), ("Amount", 0.14, XStringAlignment.Far)];
        var widths = columns.Select(c => c.Share * ContentWidth).ToArray();
        var headerHeight = smallBold.GetHeight() + (2 * Padding);

        void HeaderRow()
        {
            g!.DrawRectangle(Navy, Margin, y, ContentWidth, headerHeight);
            var x = Margin;
            for (var i = 0; i < columns.Length; i++)
            {
                Text(g, columns[i].Title, smallBold, XBrushes.White, x + Padding, y + Padding, widths[i] - (2 * Padding), columns[i].Align);
                x += widths[i];
            }

            y += headerHeight;
        }

        HeaderRow();
        var lineHeight = body.GetHeight();
        var index = 0;
        foreach (var line in invoice.Lines)
        {
            string[] cells = [Date(line.Date), line.Description, Number(line.Hours), Number(line.Rate), Number(line.Amount)];
            var wrapped = cells.Select((c, i) => Wrap(g!, c, body, widths[i] - (2 * Padding))).ToList();
            var height = (wrapped.Max(w => w.Count) * lineHeight) + (2 * Padding);
            if (y + height > Bottom)
            {
                NewPage();
                HeaderRow();
            }

            if (index++ % 2 == 1)
            {
                g!.DrawRectangle(Stripe, Margin, y, ContentWidth, height);
            }

            var x = Margin;
            for (var i = 0; i < columns.Length; i++)
            {
                for (var l = 0; l < wrapped[i].Count; l++)
                {
                    Text(g!, wrapped[i][l], body, Ink, x + Padding, y + Padding + (l * lineHeight), widths[i] - (2 * Padding), columns[i].Align);
                }

                x += widths[i];
            }

            y += height;
            g!.DrawLine(Rule, Margin, y, PageWidth - Margin, y);
        }

        if (invoice.Lines.Count == 0)
        {
            Text(g!, "No lines.", body, Muted, Margin + Padding, y + Padding, ContentWidth);
            y += lineHeight + (2 * Padding);
        }

        // The totals, right-aligned, kept together.
        var totals = new List<(string Label, string Value, bool Strong)> { ("Total", Money.Format(invoice.Total, invoice.Currency), true) };
        if (invoice.Status != InvoiceStatus.Draft)
        {
            totals.Add(("Paid", Money.Format(invoice.Paid, invoice.Currency), false));
            totals.Add(("Balance due", Money.Format(invoice.Balance, invoice.Currency), true));
        }

        if (y + 12 + (totals.Count * (lineHeight + 4)) > Bottom)
        {
            NewPage();
        }

        y += 10;
        foreach (var (label, value, strong) in totals)
        {
            Text(g!, label, strong ? bold : body, Ink, PageWidth - Margin - 260, y, 120, XStringAlignment.Far);
            Text(g!, value, strong ? bold : body, Ink, PageWidth - Margin - 130, y, 130, XStringAlignment.Far);
            y += lineHeight + 4;
        }

        var notes = new List<string>();
        if (invoice.Payments.Count > 0)
        {
            notes.Add("Payments received: " + string.Join("; ", invoice.Payments.Select(p => $"{Date(p.PaidOn)} {Money.Format(p.Amount, invoice.Currency)} ({p.Method})")));
        }

        if (!string.IsNullOrWhiteSpace(invoice.Notes))
        {
            notes.Add(invoice.Notes.Trim());
        }

        if (invoice.Status == InvoiceStatus.Void)
        {
            notes.Add($"This invoice was voided{(invoice.VoidReason is null ? "" : $": {invoice.VoidReason}")}. Nothing is owed on it.");
        }

        y += 10;
        foreach (var paragraph in notes)
        {
            foreach (var text in Wrap(g!, paragraph, body, ContentWidth))
            {
                if (y + lineHeight > Bottom)
                {
                    NewPage();
                }

                Text(g!, text, body, Muted, Margin, y, ContentWidth);
                y += lineHeight;
            }

            y += 6;
        }

        g?.Dispose();
        for (var i = 0; i < pages.Count; i++)
        {
            using var page = XGraphics.FromPdfPage(pages[i], XGraphicsPdfPageOptions.Append);
            page.DrawLine(Rule, Margin, Bottom + 12, PageWidth - Margin, Bottom + 12);
            Text(page, $"{invoice.School} · {invoice.DisplayNumber ?? "Draft"}", small, Muted, Margin, Bottom + 17, ContentWidth / 2);
            Text(page, $"Page {i + 1} of {pages.Count}", small, Muted, Margin + (ContentWidth / 2), Bottom + 17, ContentWidth / 2, XStringAlignment.Far);
            if (invoice.Status is InvoiceStatus.Draft or InvoiceStatus.Void)
            {
                var stamp = Font(96, true);
                page.RotateAtTransform(-35, new XPoint(PageWidth / 2, PageHeight / 2));
                page.DrawString(invoice.Status == InvoiceStatus.Draft ? "DRAFT" : "VOID", stamp, Stamp, new XRect(0, (PageHeight / 2) - 60, PageWidth, 120), XStringFormats.Center);
            }
        }

        document.Save(output, false);
    }

    private static XFont Font(double size, bool bold = false) => new(ReportCardFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);

    private static string Date(DateOnly? date) => date is { } d ? d.ToString("d MMM yyyy", CultureInfo.InvariantCulture) : "—";

    private static string Number(decimal value) => value.ToString("#,##0.00", CultureInfo.InvariantCulture);

    private static void Text(XGraphics g, string text, XFont font, XBrush brush, double x, double top, double width, XStringAlignment align = XStringAlignment.Near)
    {
        var format = align switch
        {
            XStringAlignment.Center => XStringFormats.TopCenter,
            XStringAlignment.Far => XStringFormats.TopRight,
            _ => XStringFormats.TopLeft,
        };
        g.DrawString(text, font, brush, new XRect(x, top, width, font.GetHeight()), format);
    }

    /// <summary>The text in lines no wider than <paramref name="width"/>; a word wider than a line is cut.</summary>
    private static List<string> Wrap(XGraphics g, string text, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\t', ' ').Split('\n'))
        {
            var line = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : $"{line} {word}";
                if (g.MeasureString(candidate, font).Width <= width)
                {
                    line = candidate;
                    continue;
                }

                if (line.Length > 0)
                {
                    lines.Add(line);
                }

                line = word;
                while (line.Length > 1 && g.MeasureString(line, font).Width > width)
                {
                    var cut = line.Length - 1;
                    while (cut > 1 && g.MeasureString(line[..cut], font).Width > width)
                    {
                        cut--;
                    }

                    lines.Add(line[..cut]);
                    line = line[cut..];
                }
            }

            lines.Add(line);
        }

        return lines;
    }
}
