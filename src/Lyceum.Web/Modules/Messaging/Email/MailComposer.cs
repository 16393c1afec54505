using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Localization;
using MimeKit;

namespace Lyceum.Modules.Messaging.Email;

/// <summary>One notification in a mail: <see cref="Url"/> is absolute.</summary>
public sealed record MailItem(string Title, string? Body, string? Url, DateTime CreatedAt);

/// <summary>Who a mail is to, and the school it is from (its name is the sender's; replies go to its address).</summary>
public sealed record MailEnvelope(string ToName, string ToAddress, string SchoolName, string? SchoolAddress, string MessageId);

/// <summary>
/// Builds notification e-mails: HTML from <see cref="NotificationMail"/> (Razor encodes every value) and a plain-text
/// part, both in the current UI culture's texts. The Message-ID is the delivery's idempotency key.
/// </summary>
public sealed class MailComposer(IServiceScopeFactory scopes, ILoggerFactory loggers, MailSettings settings, IStringLocalizer<Text> text)
{
    public Task<MimeMessage> NotificationAsync(MailEnvelope envelope, MailItem item, Uri site) =>
        ComposeAsync(envelope, item.Title, intro: null, [item], site);

    public Task<MimeMessage> DigestAsync(MailEnvelope envelope, IReadOnlyList<MailItem> items, Uri site)
    {
        var subject = text["{0}: {1} notifications", envelope.SchoolName, items.Count].Value;
        return ComposeAsync(envelope, subject, text["What happened since your last digest:"].Value, items, site);
    }

    private async Task<MimeMessage> ComposeAsync(MailEnvelope envelope, string subject, string? intro, IReadOnlyList<MailItem> items, Uri site)
    {
        var preferences = new Uri(site, "notifications/settings").ToString();
        var html = await RenderAsync(new Dictionary<string, object?>
        {
            [nameof(NotificationMail.SchoolName)] = envelope.SchoolName,
            [nameof(NotificationMail.Subject)] = subject,
            [nameof(NotificationMail.Intro)] = intro,
            [nameof(NotificationMail.Items)] = items,
            [nameof(NotificationMail.PreferencesUrl)] = preferences,
        });

        var plain = new StringBuilder();
        plain.AppendLine(envelope.SchoolName).AppendLine();
        if (intro is not null)
        {
            plain.AppendLine(intro).AppendLine();
        }

        foreach (var item in items)
        {
            plain.AppendLine(item.Title);
            if (!string.IsNullOrWhiteSpace(item.Body))
            {
                plain.AppendLine(item.Body);
            }

            if (item.Url is not null)
            {
                plain.AppendLine(item.Url);
            }

            plain.AppendLine();
        }

        plain.AppendLine("-- ").AppendLine(text["You get this e-mail because of your notification settings."]).AppendLine(preferences);

        var message = new MimeMessage { Subject = subject, MessageId = envelope.MessageId };
        message.From.Add(new MailboxAddress(envelope.SchoolName, settings.From));
        if (envelope.SchoolAddress is { Length: > 0 } school && MailboxAddress.TryParse(school, out var replyTo))
        {
            message.ReplyTo.Add(new MailboxAddress(envelope.SchoolName, replyTo.Address));
        }

        message.To.Add(new MailboxAddress(envelope.ToName, envelope.ToAddress));
        // Automatic mail: out-of-office replies should not answer it (RFC 3834).
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new BodyBuilder { TextBody = plain.ToString(), HtmlBody = html }.ToMessageBody();
        return message;
    }

    private async Task<string> RenderAsync(Dictionary<string, object?> parameters)
    {
        // Components resolve scoped services: each mail renders in a scope of its own.
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<NotificationMail>(ParameterView.FromDictionary(parameters));
            return output.ToHtmlString();
        });
    }
}
