using System.Net.Mail;

namespace Lyceum.Platform.Api;

/// <summary>Contact details as every form and endpoint checks them.</summary>
public static class Contact
{
    public static void CheckEmail(FieldErrors errors, string field, string? email)
    {
        errors.MaxLength(field, email, 254);
        if (!string.IsNullOrWhiteSpace(email) && (!MailAddress.TryCreate(email.Trim(), out var mail) || mail.Address != email.Trim()))
        {
            errors.Add(field, "Must be an e-mail address such as name@example.org.");
        }
    }

    public static void CheckPhone(FieldErrors errors, string field, string? phone)
    {
        errors.MaxLength(field, phone, 40);
        if (!string.IsNullOrWhiteSpace(phone) && !phone.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')'))
        {
            errors.Add(field, "Use digits, spaces and + - ( ) only.");
        }
    }
}

/// <summary>Date ranges as every form and endpoint checks them.</summary>
public static class Dates
{
    /// <summary>
    /// Both dates given, the end after the start, at most <paramref name="maxDays"/> apart; errors go on
    /// <c>startDate</c> and <c>endDate</c>. True when the range is usable.
    /// </summary>
    public static bool Range(FieldErrors errors, DateOnly? start, DateOnly? end, int maxDays)
    {
        if (start is null)
        {
            errors.Add("startDate", "This field is required.");
        }

        if (end is null)
        {
            errors.Add("endDate", "This field is required.");
        }

        if (start is not { } from || end is not { } to)
        {
            return false;
        }

        if (to <= from)
        {
            errors.Add("endDate", "Must be after the start date.");
            return false;
        }

        if (to.DayNumber - from.DayNumber > maxDays)
        {
            errors.Add("endDate", $"Must be at most {maxDays} days after the start date.");
            return false;
        }

        return true;
    }
}

/// <summary>ISO 4217 currency codes, as .NET's cultures know them (no hand-kept list).</summary>
public static class Currencies
{
    private static readonly HashSet<string> Known = System.Globalization.CultureInfo.GetCultures(System.Globalization.CultureTypes.SpecificCultures)
        .Select(c =>
        {
            try
            {
                return new System.Globalization.RegionInfo(c.Name).ISOCurrencySymbol;
            }
            catch (ArgumentException)
            {
                return null;
            }
        })
        .OfType<string>()
        .Where(code => code.Length == 3)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static bool IsKnown(string code) => Known.Contains(code);
}
