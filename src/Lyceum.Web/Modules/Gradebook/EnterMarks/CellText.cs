using System.Globalization;
using CsvHelper;

namespace Lyceum.Modules.Gradebook.EnterMarks;

/// <summary>What a grid cell's text means, or why it means nothing.</summary>
public readonly record struct CellValue(MarkStatus? Status, decimal? Points, string? Error)
{
    public bool IsValid => Error is null;

    public bool IsEmpty => IsValid && Status is null;
}

/// <summary>
/// The text of a grade-grid cell, both ways: a number is scored ("14", "14.5", "14,5"), a number with L is late
/// ("14L", "L 14"), M or "-" is missing, E or X is excused, empty clears the cell. Checked against the assessment's
/// maximum as the teacher types. And a block pasted from a spreadsheet (tab-separated rows) read with CsvHelper.
/// </summary>
public static class CellText
{
    public static CellValue Parse(string? text, decimal maxPoints)
    {
        var t = (text ?? "").Trim();
        if (t.Length == 0)
        {
            return new(null, null, null);
        }

        var upper = t.ToUpperInvariant();
        switch (upper)
        {
            case "M" or "-" or "MISSING":
                return new(MarkStatus.Missing, null, null);
            case "E" or "X" or "EX" or "EXCUSED":
                return new(MarkStatus.Excused, null, null);
        }

        var status = MarkStatus.Scored;
        if (upper.StartsWith('L') || upper.EndsWith('L'))
        {
            status = MarkStatus.Late;
            upper = upper.Trim('L').Trim();
        }

        if (!decimal.TryParse(upper.Replace(',', '.'), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var points))
        {
            return new(null, null, "Not a mark: type points, L after points for late, M for missing or E for excused.");
        }

        if (points < 0)
        {
            return new(null, null, "Must be 0 or more.");
        }

        if (points > maxPoints)
        {
            return new(null, null, $"Must be at most {Format(maxPoints)}, the assessment's maximum.");
        }

        if (decimal.Round(points, 2) != points)
        {
            return new(null, null, "At most two decimals.");
        }

        return new(status, points, null);
    }

    public static string Format(MarkStatus? status, decimal? points) => status switch
    {
        null => "",
        MarkStatus.Missing => "M",
        MarkStatus.Excused => "E",
        MarkStatus.Late => Format(points ?? 0m) + "L",
        _ => Format(points ?? 0m),
    };

    public static string Format(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Rows of cells from a spreadsheet's clipboard (tab-separated; quoted cells kept whole; empty lines are empty rows).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ParseBlock(string text)
    {
        var options = new CsvReaderOptions { HasHeader = false, Separator = '\t', SkipEmptyLines = false, FieldCountMismatch = CsvFieldCountHandling.Allow };
        var rows = new List<IReadOnlyList<string>>();
        using var reader = CsvReader.Create(new StringReader(text), options, false);
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        }

        return rows;
    }
}
