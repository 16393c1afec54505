using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Lyceum.Modules.Messaging;

/// <summary>When a message was sent or a notification raised, as the pages show it: "just now", "5 min ago", "3 h ago", then the date.</summary>
public static class MessageTime
{
    public static string Of(DateTime utc, IStringLocalizer text)
    {
        var ago = DateTime.UtcNow - utc;
        return ago.TotalMinutes < 1 ? text["just now"]
            : ago.TotalHours < 1 ? text["{0} min ago", (int)ago.TotalMinutes]
            : ago.TotalDays < 1 ? text["{0} h ago", (int)ago.TotalHours]
            : utc.ToLocalTime().ToString("d MMM yyyy, HH:mm", CultureInfo.CurrentCulture);
    }
}
