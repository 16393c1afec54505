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

    public static string TextOf(ISearchable searchable)
    {
        var text = Fold(string.Join(" | ", searchable.SearchTerms().Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!.Trim())));
        return text.Length <= MaxLength ? text : text[..MaxLength];
    }
}
