using Lyceum.Modules.Students;
using Lyceum.Platform.Data;

namespace Lyceum.UnitTests.Platform;

public sealed class SearchFoldingTests
{
    [Theory]
    [InlineData("Ελένη", "ελενη")]
    [InlineData("ΠΑΠΑΔΟΠΟΎΛΟΥ", "παπαδοπουλου")]
    [InlineData("Émilie Lefèvre", "emilie lefevre")]
    [InlineData("O'Brien", "o'brien")]
    [InlineData("Zoë Ångström", "zoe angstrom")]
    public void Folding_drops_case_and_accents(string text, string folded) =>
        Assert.Equal(folded, SearchFolding.Fold(text));

    [Fact]
    public void A_student_is_found_by_name_in_either_order_preferred_name_and_number()
    {
        var student = new Student
        {
            StudentNumber = "100042",
            FirstName = "Ελένη",
            LastName = "Παπαδοπούλου",
            PreferredName = "Λένα",
        };

        var text = SearchFolding.TextOf(student);

        Assert.Contains("ελενη παπαδοπουλου", text, StringComparison.Ordinal);
        Assert.Contains("παπαδοπουλου ελενη", text, StringComparison.Ordinal);
        Assert.Contains("λενα παπαδοπουλου", text, StringComparison.Ordinal);
        Assert.Contains("100042", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Adams, Ben", new[] { "adams", "ben" })]
    [InlineData("  ben   ADAMS ", new[] { "ben", "adams" })]
    [InlineData("Ελένη;Παπαδοπούλου", new[] { "ελενη", "παπαδοπουλου" })]
    [InlineData("100042", new[] { "100042" })]
    [InlineData("ben ben", new[] { "ben" })]
    [InlineData(" , ; ", new string[0])]
    [InlineData("a b c d e f g h", new[] { "a", "b", "c", "d", "e", "f g h" })]
    public void A_query_splits_into_folded_words(string query, string[] terms) =>
        Assert.Equal(terms, SearchFolding.Terms(query));
}
