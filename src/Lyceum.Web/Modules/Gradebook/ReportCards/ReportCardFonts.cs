using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace Lyceum.Modules.Gradebook.ReportCards;

/// <summary>
/// The fonts report cards are drawn with: DejaVu Sans regular and bold, shipped in the assembly (Fonts/, with their
/// licence), because PDFsharp finds no fonts of its own on Linux. Every family asked for resolves to them, so a PDF
/// never depends on what the server has installed; italic is simulated. DejaVu covers Latin, Greek and Cyrillic.
/// </summary>
public sealed class ReportCardFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";

    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    private static readonly ReportCardFonts Instance = new();
    private static readonly Lock Gate = new();
    private static bool _installed;

    private readonly ConcurrentDictionary<string, byte[]> _faces = new(StringComparer.Ordinal);

    private ReportCardFonts()
    {
    }

    /// <summary>
    /// Makes this PDFsharp's font resolver for the process. PDFsharp allows one resolver per process, set before the
    /// first font is used, so this is idempotent and safe to call from every thread (the test host starts several apps
    /// in one process).
    /// </summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (_installed)
            {
                return;
            }

            GlobalFontSettings.FontResolver ??= Instance;
            _installed = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[]? GetFont(string faceName) => _faces.GetOrAdd(faceName, Load);

    private static byte[] Load(string faceName)
    {
        var name = $"Lyceum.ReportCards.Fonts.{faceName}.ttf";
        using var stream = typeof(ReportCardFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font {name} is not embedded in the app (see Lyceum.Web.csproj).");
        using var copy = new MemoryStream((int)stream.Length);
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
