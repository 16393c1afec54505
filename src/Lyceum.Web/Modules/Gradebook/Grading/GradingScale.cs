using System.Globalization;
using Lyceum.Platform.Api;

namespace Lyceum.Modules.Gradebook.Grading;

/// <summary>How a scale turns a percentage into a grade.</summary>
public enum ScaleKind
{
    /// <summary>The percentage itself ("87.5%").</summary>
    Percentage,

    /// <summary>Named bands of percentages: letters A–F with +/-, England's 9–1, pass/fail, any custom bands.</summary>
    Bands,

    /// <summary>The percentage on a points scale, such as 0–20 (Portugal, Greece): 20 × 87.5% = 17.5 → "18".</summary>
    Points,
}

/// <summary>
/// A band of percentages with its grade: <see cref="From"/> included, <see cref="To"/> not, except that a band ending
/// at 100 includes 100.
/// </summary>
public sealed record ScaleBand(string Label, decimal From, decimal To)
{
    public bool Contains(decimal percent) => percent >= From && (percent < To || (To == 100m && percent == 100m));
}

/// <summary>
/// A grading scale as data: each section uses one, and a school may define its own. Validated when made
/// (<see cref="Create"/>); the presets are the usual ones to start from, and a school edits their bands to its own
/// boundaries (England's 9–1 boundaries in particular differ by subject and year).
/// </summary>
public sealed class GradingScale
{
    private GradingScale(string name, ScaleKind kind, IReadOnlyList<ScaleBand> bands, decimal pointsMax, int decimals)
    {
        Name = name;
        Kind = kind;
        Bands = bands;
        PointsMax = pointsMax;
        Decimals = decimals;
    }

    public string Name { get; }

    public ScaleKind Kind { get; }

    /// <summary>Highest first; empty unless <see cref="ScaleKind.Bands"/>.</summary>
    public IReadOnlyList<ScaleBand> Bands { get; }

    /// <summary>The top of a <see cref="ScaleKind.Points"/> scale (20 for 0–20).</summary>
    public decimal PointsMax { get; }

    /// <summary>Decimals a points or percentage grade is shown with.</summary>
    public int Decimals { get; }

    /// <summary>
    /// Checks a scale and makes it, or says what is wrong, keyed by field as the API reports it (<c>bands[2].from</c>).
    /// Bands must each be a range inside 0–100 with From below To, have distinct non-empty labels, not overlap, and
    /// together cover 0–100 without a gap (a percentage in no band would have no grade).
    /// </summary>
    public static Result<GradingScale> Create(string? name, ScaleKind kind, IReadOnlyList<ScaleBand>? bands = null, decimal pointsMax = 20m, int decimals = 0)
    {
        var errors = new FieldErrors();
        errors.Required("name", name);
        errors.MaxLength("name", name?.Trim(), 100);
        if (decimals is < 0 or > 2)
        {
            errors.Add("decimals", "Must be 0, 1 or 2.");
        }

        if (kind == ScaleKind.Points && pointsMax is <= 0 or > 1000)
        {
            errors.Add("pointsMax", "Must be more than 0 and at most 1000.");
        }

        var ordered = new List<ScaleBand>();
        if (kind == ScaleKind.Bands)
        {
            CheckBands(bands ?? [], errors, ordered);
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        return new GradingScale(name!.Trim(), kind, kind == ScaleKind.Bands ? ordered : [], kind == ScaleKind.Points ? pointsMax : 0m, decimals);
    }

    private static void CheckBands(IReadOnlyList<ScaleBand> bands, FieldErrors errors, List<ScaleBand> ordered)
    {
        if (bands.Count < 2)
        {
            errors.Add("bands", "A scale of bands needs at least two.");
            return;
        }

        var labels = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var wellFormed = true;
        for (var i = 0; i < bands.Count; i++)
        {
            var band = bands[i];
            if (string.IsNullOrWhiteSpace(band.Label))
            {
                errors.Add($"bands[{i}].label", "Required.");
                wellFormed = false;
            }
            else if (band.Label.Trim().Length > 10)
            {
                errors.Add($"bands[{i}].label", "At most 10 characters.");
                wellFormed = false;
            }
            else if (!labels.Add(band.Label.Trim()))
            {
                errors.Add($"bands[{i}].label", $"Another band is already '{band.Label.Trim()}'.");
                wellFormed = false;
            }

            if (band.From is < 0 or > 100)
            {
                errors.Add($"bands[{i}].from", "Must be between 0 and 100.");
                wellFormed = false;
            }
            else if (band.To is < 0 or > 100)
            {
                errors.Add($"bands[{i}].to", "Must be between 0 and 100.");
                wellFormed = false;
            }
            else if (band.To <= band.From)
            {
                errors.Add($"bands[{i}].to", "Must be above 'from'.");
                wellFormed = false;
            }
        }

        if (!wellFormed)
        {
            return;
        }

        // Lowest first, keeping each band's position in the request to name it in a message.
        var byFrom = bands.Select((b, i) => (Band: b with { Label = b.Label.Trim() }, Index: i)).OrderBy(x => x.Band.From).ToList();
        if (byFrom[0].Band.From != 0m)
        {
            errors.Add($"bands[{byFrom[0].Index}].from", $"The lowest band must start at 0, so that every percentage has a grade ({Text(byFrom[0].Band.From)} given).");
        }

        for (var i = 1; i < byFrom.Count; i++)
        {
            var (below, at) = (byFrom[i - 1], byFrom[i]);
            if (at.Band.From < below.Band.To)
            {
                errors.Add($"bands[{at.Index}].from", $"Overlaps '{below.Band.Label}' ({Text(below.Band.From)}–{Text(below.Band.To)}).");
            }
            else if (at.Band.From > below.Band.To)
            {
                errors.Add($"bands[{at.Index}].from", $"Leaves a gap after '{below.Band.Label}': {Text(below.Band.To)}–{Text(at.Band.From)} would have no grade.");
            }
        }

        if (byFrom[^1].Band.To != 100m)
        {
            errors.Add($"bands[{byFrom[^1].Index}].to", $"The highest band must reach 100 ({Text(byFrom[^1].Band.To)} given).");
        }

        ordered.AddRange(byFrom.Select(x => x.Band).Reverse());
    }

    /// <summary>The grade for a percentage (clamped to 0–100), as the scale shows it.</summary>
    public string GradeFor(decimal percent)
    {
        var p = Math.Clamp(percent, 0m, 100m);
        return Kind switch
        {
            ScaleKind.Percentage => Text(Math.Round(p, Decimals, MidpointRounding.AwayFromZero)) + "%",
            ScaleKind.Points => Text(Math.Round(p * PointsMax / 100m, Decimals, MidpointRounding.AwayFromZero)),
            _ => Bands.First(b => b.Contains(p)).Label,
        };
    }

    private static string Text(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static GradingScale Percentage() => Preset("Percentage", ScaleKind.Percentage, decimals: 1);

    /// <summary>A+ to F, the common US boundaries (A 93–97, A- 90–93 … F below 60).</summary>
    public static GradingScale Letters() => Preset("Letters A–F", ScaleKind.Bands,
    [
        new("A+", 97, 100), new("A", 93, 97), new("A-", 90, 93),
        new("B+", 87, 90), new("B", 83, 87), new("B-", 80, 83),
        new("C+", 77, 80), new("C", 73, 77), new("C-", 70, 73),
        new("D+", 67, 70), new("D", 63, 67), new("D-", 60, 63),
        new("F", 0, 60),
    ]);

    /// <summary>0–20 in whole points (Portugal, Greece); 10 is a pass.</summary>
    public static GradingScale ZeroToTwenty() => Preset("0–20", ScaleKind.Points, pointsMax: 20m);

    /// <summary>England's 9–1 (U below 1), with even ten-point working boundaries for a school to adjust.</summary>
    public static GradingScale NineToOne() => Preset("9–1", ScaleKind.Bands,
    [
        new("9", 90, 100), new("8", 80, 90), new("7", 70, 80), new("6", 60, 70), new("5", 50, 60),
        new("4", 40, 50), new("3", 30, 40), new("2", 20, 30), new("1", 10, 20), new("U", 0, 10),
    ]);

    public static GradingScale PassFail(decimal passFrom = 50m) => Preset("Pass/fail", ScaleKind.Bands,
        [new("Pass", passFrom, 100), new("Fail", 0, passFrom)]);

    private static GradingScale Preset(string name, ScaleKind kind, IReadOnlyList<ScaleBand>? bands = null, decimal pointsMax = 20m, int decimals = 0) =>
        Create(name, kind, bands, pointsMax, decimals) is { IsSuccess: true } made ? made.Value! : throw new InvalidOperationException($"The preset scale '{name}' is not valid.");
}
