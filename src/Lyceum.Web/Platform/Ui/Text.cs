using Microsoft.Extensions.Localization;

[assembly: RootNamespace("Lyceum")]

namespace Lyceum;

/// <summary>
/// The marker type of the UI's texts: <c>IStringLocalizer&lt;Text&gt;</c> reads <c>Resources/Text.resx</c> (English,
/// the neutral language) and, later, <c>Text.el.resx</c>. Keys are the English texts.
/// </summary>
public sealed class Text;
