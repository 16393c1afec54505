using MailKit.Security;

namespace Lyceum.Modules.Messaging.Email;

/// <summary>
/// <c>Lyceum:Mail:*</c>. With <see cref="SmtpHost"/> set, mail goes over SMTP; without it (the embedded default) each
/// mail is written to <see cref="OutboxFolder"/> and shown on the administrator's Sent mail page.
/// </summary>
public sealed class MailSettings
{
    public const string Section = "Lyceum:Mail";

    /// <summary>The sender's address; the display name is the school's, and replies go to the school's own address.</summary>
    public string From { get; set; } = "no-reply@lyceum.local";

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    /// <summary>None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect (MailKit's names).</summary>
    public SecureSocketOptions SmtpSecurity { get; set; } = SecureSocketOptions.Auto;

    public string? SmtpUsername { get; set; }

    public string? SmtpPassword { get; set; }

    public int SmtpTimeoutSeconds { get; set; } = 30;

    public string OutboxFolder { get; set; } = "data/mail";

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(SmtpHost);
}
