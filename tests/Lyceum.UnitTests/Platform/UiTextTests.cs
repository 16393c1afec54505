using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Lyceum.UnitTests.Platform;

/// <summary>
/// Every text a page shows goes through <c>IStringLocalizer&lt;Text&gt;</c> with the English text as its key; a key
/// missing from <c>Resources/Text.resx</c> would still show in English but be forgotten by every translation.
/// </summary>
public sealed partial class UiTextTests
{
    [Fact]
    public void Every_literal_text_key_in_the_web_app_is_in_the_resource_file()
    {
        var web = Path.Combine(RepositoryRoot(), "src", "Lyceum.Web");
        var keys = XDocument.Load(Path.Combine(web, "Resources", "Text.resx")).Root!
            .Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet(StringComparer.Ordinal);

        var used = Directory.EnumerateFiles(web, "*.razor", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(web, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Key: m.Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal))))
            .ToList();

        Assert.NotEmpty(used);
        Assert.Empty(used.Where(u => !keys.Contains(u.Key)).Select(u => $"{u.File}: {u.Key}").Distinct());
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lyceum.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Lyceum.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\bT\[""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LiteralKey();
}
