using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Lyceum.Modules.Gradebook.ReportCards;

/// <summary>
/// Draws report cards and transcripts into one PDF, one student after another (A4, each student on pages of their
/// own): the logo and school, the template's title, the student, a table of sections, attendance, comments, signature
/// lines, and on every page the template's footer with "page i of n" of that student. Long text wraps; a student whose
/// content overflows goes on to another page under a running head, a table repeating its header row. PDFsharp keeps
/// the drawn pages in memory until <see cref="Save"/>; what a student's pages need is read just before they are drawn.
/// </summary>
internal sealed class ReportCardPdf : IDisposable
{
    private const double PageWidth = 595.28; // A4 in points
    private const double PageHeight = 841.89;
    private const double Margin = 48;
    private const double ContentWidth = PageWidth - (2 * Margin);
    private const double Top = 40;
    private const double LogoHeight = 56;
    private const double CellPadding = 5;
    private const double PageLabelWidth = 190;

    private static readonly XSolidBrush Navy = new(XColor.FromArgb(0x12, 0x35, 0x5b));
    private static readonly XSolidBrush Gold = new(XColor.FromArgb(0xf2, 0xb1, 0x34));
    private static readonly XSolidBrush Ink = new(XColor.FromArgb(0x1f, 0x29, 0x37));
    private static readonly XSolidBrush Muted = new(XColor.FromArgb(0x55, 0x5f, 0x6d));
    private static readonly XSolidBrush Panel = new(XColor.FromArgb(0xf1, 0xf4, 0xf8));
    private static readonly XSolidBrush Stripe = new(XColor.FromArgb(0xf6, 0xf8, 0xfa));
    private static readonly XPen Rule = new(XColor.FromArgb(0xc9, 0xd2, 0xdc), 0.6);
    private static readonly XPen GoldRule = new(XColor.FromArgb(0xf2, 0xb1, 0x34), 2);
    private static readonly XPen SignatureRule = new(XColor.FromArgb(0x1f, 0x29, 0x37), 0.8);

    private readonly PdfDocument _document = new();
    private readonly XGraphics _measure = XGraphics.CreateMeasureContext(new XSize(PageWidth, PageHeight), XGraphicsUnit.Point, XPageDirection.Downwards);
    private readonly XFont _schoolFont = Font(13, bold: true);
    private readonly XFont _titleFont = Font(20, bold: true);
    private readonly XFont _subtitleFont = Font(10);
    private readonly XFont _headingFont = Font(12.5, bold: true);
    private readonly XFont _bodyFont = Font(10);
    private readonly XFont _bodyBoldFont = Font(10, bold: true);
    private readonly XFont _labelFont = Font(7.5);
    private readonly XFont _valueFont = Font(10.5, bold: true);
    private readonly XFont _smallFont = Font(8);
    private readonly XFont _smallBoldFont = Font(8.5, bold: true);

    private readonly string _schoolName;
    private readonly ReportCardTemplate _template;
    private readonly ReportCardLabels _labels;
    private readonly MemoryStream? _logoBytes;
    private readonly XImage? _logo;
    private readonly IReadOnlyList<string> _footer;

    /// <summary>Where content ends on every page: above the footer, which is as tall as the template's footer text.</summary>
    private readonly double _bottom;

    /// <summary>The current student's pages: their footers ("page i of n") are drawn once the student is done.</summary>
    private readonly List<PdfPage> _pages = [];
    private XGraphics? _gfx;
    private double _y;
    private string _runningHead = "";

    static ReportCardPdf() => ReportCardFonts.Install();

    public ReportCardPdf(string schoolName, ReportCardTemplate template, ReportCardLabels labels, string title)
    {
        _schoolName = schoolName;
        _template = template;
        _labels = labels;
        _document.Info.Title = title;
        _document.Info.Author = _schoolName;
        _document.Info.Creator = "Lyceum";
        _document.Options.CompressContentStreams = true;
        if (_template.Logo is { Length: > 0 } bytes)
        {
            try
            {
                _logoBytes = new MemoryStream(bytes, writable: false);
                _logo = XImage.FromStream(_logoBytes);
            }
#pragma warning disable CA1031 // a _logo that cannot be read falls back to the app's, rather than failing every report card
            catch (Exception)
#pragma warning restore CA1031
            {
                _logo = null;
            }
        }

        _footer = string.IsNullOrWhiteSpace(_template.Footer) ? [] : Wrap(_template.Footer.Trim(), _smallFont, ContentWidth - PageLabelWidth - 12);
        _bottom = PageHeight - 34 - (Math.Max(1, _footer.Count) * _smallFont.GetHeight()) - 16;
    }

    /// <summary>The pages drawn so far (PDFsharp refuses to be asked once the document is saved).</summary>
    public int PageCount { get; private set; }

    public void AddReportCard(ReportCard card)
    {
        var student = card.Student;
        var subtitle = $"{card.Term.Name} · {card.Term.AcademicYear}";
        Begin($"{student.Name} · {_template.Title} · {subtitle}");
        Header(_template.Title, subtitle);
        Fields(
            [(_labels.Student, student.Name, 2), (_labels.StudentNumber, student.StudentNumber, 1), (_labels.Year, $"{student.YearGroup}", 0.5), (_labels.Form, student.FormGroup ?? "—", 0.5)],
            [(_labels.Term, card.Term.Name, 1), (_labels.AcademicYear, card.Term.AcademicYear, 1), (_labels.Dates, _labels.DateRange(card.Term.Start, card.Term.End), 2)]);

        Heading(_labels.Grades);
        if (card.Sections.Count == 0)
        {
            Paragraph(_labels.NoSections, Muted);
        }
        else
        {
            GradesTable(card.Sections);
        }

        if (card.Attendance is { } tally)
        {
            Heading(_labels.Attendance);
            Paragraph(tally.Possible == 0 ? _labels.NoRegisters : _labels.AttendanceLine(tally), tally.Possible == 0 ? Muted : Ink);
        }

        if (_template.ShowComments)
        {
            Heading(_labels.Comments);
            var commented = card.Sections.Where(s => !string.IsNullOrWhiteSpace(s.Comment)).ToList();
            if (commented.Count == 0)
            {
                Paragraph(_labels.NoComments, Muted);
            }

            foreach (var section in commented)
            {
                Comment(section.Teacher is null ? section.Course : $"{section.Course} — {section.Teacher}", section.Comment!.Trim());
            }
        }

        Signatures(_template.SignatureLines);
        End(student.Name);
    }

    public void AddTranscript(Transcript transcript, DateOnly issued)
    {
        var student = transcript.Student;
        Begin($"{student.Name} · {_labels.Transcript}");
        Header(_labels.Transcript, _labels.Issued(issued));
        Fields([(_labels.Student, student.Name, 2), (_labels.StudentNumber, student.StudentNumber, 1), (_labels.Year, $"{student.YearGroup}", 0.5), (_labels.Form, student.FormGroup ?? "—", 0.5)]);
        if (transcript.Terms.Count == 0)
        {
            Heading(_labels.Grades);
            Paragraph(_labels.NoGrades, Muted);
        }

        // Terms come oldest first, so grouping keeps the years in order.
        foreach (var year in transcript.Terms.GroupBy(t => t.Term.AcademicYearId))
        {
            Heading(year.First().Term.AcademicYear);
            foreach (var (term, sections) in year)
            {
                Subheading($"{term.Name} · {_labels.DateRange(term.Start, term.End)}");
                if (sections.Count == 0)
                {
                    Paragraph(_labels.NoSections, Muted);
                }
                else
                {
                    GradesTable(sections);
                }
            }
        }

        End(student.Name);
    }

    /// <summary>Writes the whole document (synchronously: give it a file or memory stream, not a response body).</summary>
    public void Save(Stream output)
    {
        if (PageCount == 0)
        {
            throw new InvalidOperationException("A PDF needs at least one page.");
        }

        _document.Save(output, false);
    }

    public void Dispose()
    {
        _gfx?.Dispose();
        _measure.Dispose();
        _logo?.Dispose();
        _logoBytes?.Dispose();
        _document.Dispose();
    }

    private static XFont Font(double size, bool bold = false) =>
        new(ReportCardFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);

    private XGraphics G => _gfx ?? throw new InvalidOperationException("No page has been begun.");

    private void Begin(string head)
    {
        _runningHead = head;
        _pages.Clear();
        NewPage(continued: false);
    }

    private void NewPage(bool continued = true)
    {
        _gfx?.Dispose();
        var page = _document.AddPage();
        page.Size = PageSize.A4;
        PageCount++;
        _pages.Add(page);
        _gfx = XGraphics.FromPdfPage(page);
        _y = Top;
        if (continued)
        {
            Text(_gfx, Fit($"{_runningHead} ({_labels.Continued})", _smallBoldFont, ContentWidth), _smallBoldFont, Muted, Margin, _y, ContentWidth);
            _y += _smallBoldFont.GetHeight() + 5;
            _gfx.DrawLine(Rule, Margin, _y, PageWidth - Margin, _y);
            _y += 10;
        }
    }

    /// <summary>Starts a new page unless <paramref name="height"/> still fits on this one.</summary>
    private void Need(double height)
    {
        if (_y + height > _bottom)
        {
            NewPage();
        }
    }

    /// <summary>The student is done: every one of their pages gets the footer and "page i of n".</summary>
    private void End(string studentName)
    {
        _gfx?.Dispose();
        _gfx = null;
        var lineHeight = _smallFont.GetHeight();
        for (var i = 0; i < _pages.Count; i++)
        {
            using var g = XGraphics.FromPdfPage(_pages[i], XGraphicsPdfPageOptions.Append);
            var top = _bottom + 12;
            g.DrawLine(Rule, Margin, top, PageWidth - Margin, top);
            for (var k = 0; k < _footer.Count; k++)
            {
                Text(g, _footer[k], _smallFont, Muted, Margin, top + 5 + (k * lineHeight), ContentWidth - PageLabelWidth - 12);
            }

            var label = _labels.Page(i + 1, _pages.Count);
            var name = Fit(studentName, _smallFont, PageLabelWidth - _measure.MeasureString(" · " + label, _smallFont).Width);
            Text(g, $"{name} · {label}", _smallFont, Muted, PageWidth - Margin - PageLabelWidth, top + 5, PageLabelWidth, XStringAlignment.Far);
        }

        _pages.Clear();
    }

    /// <summary>The first page's head: the logo, the school, the title and what it is for, over a gold rule.</summary>
    private void Header(string title, string subtitle)
    {
        var g = G;
        var logoWidth = _logo is null ? DrawAppLogo(g, Margin, Top, LogoHeight) : DrawImage(g, _logo, Margin, Top, 150, LogoHeight);
        var x = Margin + logoWidth + 14;
        var width = PageWidth - Margin - x;
        Text(g, Fit(_schoolName, _schoolFont, width), _schoolFont, Navy, x, Top, width);
        Text(g, Fit(title, _titleFont, width), _titleFont, Ink, x, Top + 17, width);
        Text(g, Fit(subtitle, _subtitleFont, width), _subtitleFont, Muted, x, Top + 43, width);
        _y = Top + LogoHeight + 8;
        g.DrawLine(GoldRule, Margin, _y, PageWidth - Margin, _y);
        _y += 14;
    }

    /// <summary>
    /// The app's logo (wwwroot/img/logo.svg, drawn on a 64-unit square) as vectors, since PDFsharp cannot draw SVG:
    /// a navy tile with a gold pediment, three white columns and a gold base.
    /// </summary>
    private static double DrawAppLogo(XGraphics g, double x, double top, double size)
    {
        var k = size / 64;
        XPoint P(double px, double py) => new(x + (px * k), top + (py * k));
        g.DrawRoundedRectangle(Navy, x, top, size, size, 28 * k, 28 * k);
        g.DrawPolygon(Gold, [P(14, 24), P(32, 14), P(50, 24), P(50, 27), P(14, 27)], XFillMode.Winding);
        foreach (var column in new[] { 18, 29.5, 41 })
        {
            g.DrawRoundedRectangle(XBrushes.White, x + (column * k), top + (29 * k), 5 * k, 17 * k, 3 * k, 3 * k);
        }

        g.DrawRoundedRectangle(Gold, x + (14 * k), top + (48 * k), 36 * k, 4 * k, 3 * k, 3 * k);
        return size;
    }

    /// <summary>The school's logo, scaled to fit the box with its proportions kept, centred in the header's height.</summary>
    private static double DrawImage(XGraphics g, XImage image, double x, double top, double maxWidth, double maxHeight)
    {
        var scale = Math.Min(maxWidth / image.PointWidth, maxHeight / image.PointHeight);
        var (width, height) = (image.PointWidth * scale, image.PointHeight * scale);
        g.DrawImage(image, x, top + ((maxHeight - height) / 2), width, height);
        return width;
    }

    /// <summary>Rows of label-over-value cells on a tinted panel; each cell's span is in quarters of the width.</summary>
    private void Fields(params (string Label, string Value, double Span)[][] rows)
    {
        const double padding = 8;
        var unit = (ContentWidth - (2 * padding)) / 4;
        var lineHeight = _valueFont.GetHeight();
        var laidOut = rows.Select(row => row.Select(cell => (cell.Label, Lines: Wrap(cell.Value, _valueFont, (cell.Span * unit) - 8), cell.Span)).ToList()).ToList();
        var heights = laidOut.Select(row => _labelFont.GetHeight() + 2 + (row.Max(c => c.Lines.Count) * lineHeight)).ToList();
        var total = heights.Sum() + (2 * padding) + ((rows.Length - 1) * 6);
        Need(total);
        G.DrawRoundedRectangle(Panel, Margin, _y, ContentWidth, total, 8, 8);
        var top = _y + padding;
        for (var r = 0; r < laidOut.Count; r++)
        {
            var x = Margin + padding;
            foreach (var (label, lines, span) in laidOut[r])
            {
                Text(G, label.ToUpperInvariant(), _labelFont, Muted, x, top, (span * unit) - 8);
                for (var i = 0; i < lines.Count; i++)
                {
                    Text(G, lines[i], _valueFont, Ink, x, top + _labelFont.GetHeight() + 2 + (i * lineHeight), (span * unit) - 8);
                }

                x += span * unit;
            }

            top += heights[r] + 6;
        }

        _y += total + 4;
    }

    private void Heading(string text)
    {
        var height = _headingFont.GetHeight();
        // A heading keeps at least two lines of what follows with it.
        Need(10 + height + 4 + (_bodyFont.GetHeight() * 2) + (2 * CellPadding));
        _y += 10;
        Text(G, Fit(text, _headingFont, ContentWidth), _headingFont, Navy, Margin, _y, ContentWidth);
        _y += height + 4;
    }

    private void Subheading(string text)
    {
        var height = _bodyBoldFont.GetHeight();
        Need(6 + height + 3 + (_smallBoldFont.GetHeight() + (_bodyFont.GetHeight() * 2) + (4 * CellPadding)));
        _y += 6;
        Text(G, Fit(text, _bodyBoldFont, ContentWidth), _bodyBoldFont, Ink, Margin, _y, ContentWidth);
        _y += height + 3;
    }

    private void Paragraph(string text, XSolidBrush brush)
    {
        var lineHeight = _bodyFont.GetHeight();
        foreach (var line in Wrap(text, _bodyFont, ContentWidth))
        {
            Need(lineHeight);
            Text(G, line, _bodyFont, brush, Margin, _y, ContentWidth);
            _y += lineHeight;
        }
    }

    /// <summary>A teacher's comment under its section's name, indented; it may run on over pages, line by line.</summary>
    private void Comment(string heading, string comment)
    {
        const double indent = 10;
        var lines = Wrap(comment, _bodyFont, ContentWidth - indent);
        var headingHeight = _bodyBoldFont.GetHeight();
        var lineHeight = _bodyFont.GetHeight();
        Need(4 + headingHeight + 1 + (lineHeight * Math.Min(2, lines.Count)));
        _y += 4;
        Text(G, Fit(heading, _bodyBoldFont, ContentWidth), _bodyBoldFont, Ink, Margin, _y, ContentWidth);
        _y += headingHeight + 1;
        foreach (var line in lines)
        {
            Need(lineHeight);
            G.DrawRectangle(Gold, Margin + 1, _y, 2, lineHeight);
            Text(G, line, _bodyFont, Ink, Margin + indent, _y, ContentWidth - indent);
            _y += lineHeight;
        }

        _y += 4;
    }

    private sealed record Column(string Title, double Share, XStringAlignment Align, bool Bold = false);

    private void GradesTable(IReadOnlyList<ReportCardSection> sections) =>
        Table(
            [new(_labels.Course, 0.42, XStringAlignment.Near), new(_labels.Teacher, 0.30, XStringAlignment.Near),
                new(_labels.Grade, 0.13, XStringAlignment.Center, Bold: true), new(_labels.Percent, 0.15, XStringAlignment.Far)],
            sections.Select(s => new[] { s.Course, s.Teacher ?? "—", s.Grade ?? "—", ReportCardLabels.Percentage(s.Percent) }));

    /// <summary>A table whose rows grow with their wrapped cells; a row that does not fit goes to the next page under the header row again.</summary>
    private void Table(IReadOnlyList<Column> columns, IEnumerable<string[]> rows)
    {
        var widths = columns.Select(c => c.Share * ContentWidth).ToArray();
        var lineHeight = _bodyFont.GetHeight();
        var headerHeight = _smallBoldFont.GetHeight() + (2 * CellPadding);

        void HeaderRow()
        {
            Need(headerHeight + lineHeight + (2 * CellPadding));
            G.DrawRectangle(Navy, Margin, _y, ContentWidth, headerHeight);
            var x = Margin;
            for (var i = 0; i < columns.Count; i++)
            {
                Text(G, Fit(columns[i].Title, _smallBoldFont, widths[i] - (2 * CellPadding)), _smallBoldFont, XBrushes.White, x + CellPadding, _y + CellPadding, widths[i] - (2 * CellPadding), columns[i].Align);
                x += widths[i];
            }

            _y += headerHeight;
        }

        HeaderRow();
        var index = 0;
        foreach (var row in rows)
        {
            var cells = row.Select((value, i) => Wrap(value, columns[i].Bold ? _bodyBoldFont : _bodyFont, widths[i] - (2 * CellPadding))).ToList();
            var height = (cells.Max(c => c.Count) * lineHeight) + (2 * CellPadding);
            if (_y + height > _bottom)
            {
                NewPage();
                HeaderRow();
            }

            if (index++ % 2 == 1)
            {
                G.DrawRectangle(Stripe, Margin, _y, ContentWidth, height);
            }

            var x = Margin;
            for (var i = 0; i < columns.Count; i++)
            {
                for (var l = 0; l < cells[i].Count; l++)
                {
                    Text(G, cells[i][l], columns[i].Bold ? _bodyBoldFont : _bodyFont, Ink, x + CellPadding, _y + CellPadding + (l * lineHeight), widths[i] - (2 * CellPadding), columns[i].Align);
                }

                x += widths[i];
            }

            _y += height;
            G.DrawLine(Rule, Margin, _y, PageWidth - Margin, _y);
        }
    }

    /// <summary>Signature lines two to a row: a rule to sign on and its label under it; kept together on one page.</summary>
    private void Signatures(IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        const double gap = 28;
        const double rowHeight = 48;
        var width = (ContentWidth - gap) / 2;
        var rows = (lines.Count + 1) / 2;
        Need(18 + (rows * rowHeight));
        _y += 18;
        for (var i = 0; i < lines.Count; i++)
        {
            var x = Margin + (i % 2 * (width + gap));
            var lineY = _y + (i / 2 * rowHeight) + 30;
            G.DrawLine(SignatureRule, x, lineY, x + width, lineY);
            Text(G, Fit(lines[i], _smallFont, width), _smallFont, Muted, x, lineY + 3, width);
        }

        _y += rows * rowHeight;
    }

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

    private double Width(string text, XFont font) => _measure.MeasureString(text, font).Width;

    /// <summary>One line: the text, shortened with an ellipsis when it is wider than <paramref name="width"/>.</summary>
    private string Fit(string text, XFont font, double width)
    {
        if (Width(text, font) <= width)
        {
            return text;
        }

        var length = text.Length;
        while (length > 1 && Width(text[..length] + "…", font) > width)
        {
            length--;
        }

        return text[..length].TrimEnd() + "…";
    }

    /// <summary>
    /// The text in lines no wider than <paramref name="width"/>: words move to the next line, a word wider than a line
    /// is cut, and the text's own line breaks are kept.
    /// </summary>
    private List<string> Wrap(string text, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\t', ' ').Split('\n'))
        {
            var line = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : $"{line} {word}";
                if (Width(candidate, font) <= width)
                {
                    line = candidate;
                    continue;
                }

                if (line.Length > 0)
                {
                    lines.Add(line);
                }

                line = word;
                while (line.Length > 1 && Width(line, font) > width)
                {
                    var fits = line.Length - 1;
                    while (fits > 1 && Width(line[..fits], font) > width)
                    {
                        fits--;
                    }

                    lines.Add(line[..fits]);
                    line = line[fits..];
                }
            }

            lines.Add(line);
        }

        return lines;
    }
}
