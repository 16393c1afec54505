using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using Lyceum.Modules.Messaging.Dispatch;

namespace Lyceum.Modules.Messaging.Sms;

/// <summary>One text message; <see cref="Key"/> is its idempotency key (recipient × event), sent to gateways that take one.</summary>
public sealed record SmsMessage(string To, string Text, string Key);

/// <summary>Sends text messages. Throws <see cref="DeliveryException"/> when it could not (permanent when retrying cannot help).</summary>
public interface ISmsSender
{
    /// <summary>
    /// False when there is nowhere to send texts (no gateway configured): the dispatcher then records SMS deliveries as
    /// skipped instead of calling <see cref="SendAsync"/>, so the delivery log never says a text went that did not.
    /// </summary>
    bool IsConfigured { get; }

    Task SendAsync(SmsMessage message, CancellationToken cancellationToken);
}

/// <summary>The default without a gateway: sends nothing, and says so (SMS deliveries are recorded as skipped).</summary>
public sealed class NoGatewaySmsSender : ISmsSender
{
    public const string Reason = "No SMS gateway configured.";

    public bool IsConfigured => false;

    public Task SendAsync(SmsMessage message, CancellationToken cancellationToken) =>
        throw new DeliveryException(Reason, permanent: true);
}

/// <summary>A phone number as logs may show it: only its last three digits, e.g. "•••••••123".</summary>
public static class PhoneMask
{
    public static string Mask(string? number)
    {
        var digits = new string((number ?? "").Where(char.IsAsciiDigit).ToArray());
        return "•••••••" + (digits.Length > 3 ? digits[^3..] : "");
    }
}

/// <summary>
/// <c>Lyceum:Sms:Gateway:*</c>: a generic HTTP gateway. The body is <see cref="BodyTemplate"/> with <c>{to}</c>,
/// <c>{from}</c>, <c>{text}</c> and <c>{key}</c> replaced, each escaped for <see cref="ContentType"/> (JSON string
/// escapes, or form URL-encoding). Twilio, for one: URL <c>https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json</c>,
/// form body <c>To={to}&amp;From={from}&amp;Body={text}</c>, header <c>Authorization: Basic …</c>.
/// </summary>
public sealed class SmsGatewaySettings
{
    public const string Section = "Lyceum:Sms:Gateway";

    public string? Url { get; set; }

    /// <summary>One header, "Name: value", such as <c>Authorization: Bearer …</c>.</summary>
    public string? AuthHeader { get; set; }

    public string ContentType { get; set; } = "application/json";

    public string BodyTemplate { get; set; } = """{"to":"{to}","from":"{from}","text":"{text}","reference":"{key}"}""";

    /// <summary>The sender id or number, as the gateway wants it.</summary>
    public string From { get; set; } = "Lyceum";

    public int TimeoutSeconds { get; set; } = 15;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Url);
}

/// <summary>
/// Sends through <see cref="SmsGatewaySettings"/>: 2xx is sent; 429 and 5xx are tried again later; other 4xx are final.
/// A singleton (the dispatcher is one) that asks the factory for a client per send, so the handler is recycled and a
/// gateway's changed DNS is followed.
/// </summary>
public sealed class HttpSmsSender(IHttpClientFactory clients, SmsGatewaySettings settings) : ISmsSender
{
    public const string ClientName = "sms-gateway";

    public bool IsConfigured => true;

    public async Task SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        var form = settings.ContentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        string Escape(string value) => form ? Uri.EscapeDataString(value) : JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(value);
        var body = settings.BodyTemplate
            .Replace("{to}", Escape(message.To), StringComparison.Ordinal)
            .Replace("{from}", Escape(settings.From), StringComparison.Ordinal)
            .Replace("{text}", Escape(message.Text), StringComparison.Ordinal)
            .Replace("{key}", Escape(message.Key), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(settings.ContentType).MediaType!),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", message.Key);
        if (settings.AuthHeader is { Length: > 0 } header && header.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon)
        {
            request.Headers.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim());
        }

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new DeliveryException($"The SMS gateway could not be reached: {ex.Message}", inner: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DeliveryException("The SMS gateway did not answer in time.", inner: ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var status = (int)response.StatusCode;
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            var retry = response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout;
            throw new DeliveryException($"The SMS gateway answered {status}: {Clip(answer, 200)}", permanent: !retry);
        }
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
