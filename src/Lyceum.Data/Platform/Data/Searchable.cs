using System.Globalization;
using System.Text;

namespace Lyceum.Platform.Data;

/// <summary>
/// A record the list search finds. <see cref="SearchText"/> is written by <see cref="StampingInterceptor"/> on every
/// save, folded in .NET (lower case, no accents), so that a search matches the same on SQLite, whose lower() knows
/// only ASCII, and on PostgreSQL, whatever its locale: "ελένη", "ΕΛΕΝΗ" and "Ελένη" all find Ελένη.
/// </summary>
public interface ISearchable
{
    string SearchText { get; set; }

    /// <summary>The values the search looks in, in the orders people type them.</summary>
    IEnumerable<string?> SearchTerms();
}

public static class SearchFolding
{
    public const int MaxLength = 1000;

    /// <summary>Lower case without diacritics: "Émile" → "emile", "Ελένη" → "ελενη".</summary>
    public static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                folded.Append(char.ToLowerInvariant(c));
            }
        }

        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>The most words a search looks for; the rest of a longer query is searched as one last word.</summary>
    public const int MaxTerms = 6;

    private static readonly char[] Separators = [' ', ',', ';', '\t', '\u00a0'];

    /// <summary>
    /// The folded words of a search box's text, each to be found somewhere in a record's <see cref="ISearchable.SearchText"/>:
    /// "Adams, Ben", "ben adams" and "BEN" all find Ben Adams. At most <see cref="MaxTerms"/>.
    /// </summary>
    public static IReadOnlyList<string> Terms(string query)
    {
        var words = Fold(query).Split(Separators, MaxTerms, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return words.Distinct(StringComparer.Ordinal).ToList();
    }

    public static string TextOf(ISearchable searchable)
    {
        var text = Fold(string.Join(" | ", searchable.SearchTerms().Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!.Trim())));
        return text.Length <= MaxLength ? text : text[..MaxLength];
    }
}

/// <summary>LIKE patterns from user text: <c>%</c>, <c>_</c> and the escape character itself match literally.</summary>
public static class Like
{
    /// <summary>The escape character to pass to <c>EF.Functions.Like</c> with an escaped pattern.</summary>
    public const string EscapeCharacter = "\\";

    public static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
