using Lyceum.Modules.Messaging.Dispatch;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace Lyceum.Modules.Messaging.Email;

/// <summary>Where mail goes: an SMTP server, or a folder on this machine.</summary>
public interface IMailTransport
{
    /// <summary>Opens one connection for a round of mails; a failure here is the channel being down.</summary>
    Task<IMailConnection> ConnectAsync(CancellationToken cancellationToken);
}

public interface IMailConnection : IAsyncDisposable
{
    /// <summary>Sends one mail; throws <see cref="DeliveryException"/> (permanent when the server refused it for good).</summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>SMTP with MailKit: one connection per round, authenticated when a user name is set.</summary>
public sealed class SmtpMailTransport(MailSettings settings) : IMailTransport
{
    public async Task<IMailConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient { Timeout = settings.SmtpTimeoutSeconds * 1000 };
        try
        {
            await client.ConnectAsync(settings.SmtpHost!, settings.SmtpPort, settings.SmtpSecurity, cancellationToken);
            if (!string.IsNullOrEmpty(settings.SmtpUsername))
            {
                await client.AuthenticateAsync(settings.SmtpUsername, settings.SmtpPassword ?? "", cancellationToken);
            }

            return new Connection(client);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            client.Dispose();
            throw new DeliveryException($"The mail server {settings.SmtpHost}:{settings.SmtpPort} could not be reached: {ex.Message}", inner: ex);
        }
    }

    private sealed class Connection(SmtpClient client) : IMailConnection
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            try
            {
                await client.SendAsync(message, cancellationToken);
            }
            catch (SmtpCommandException ex)
            {
                // Only a refused recipient (5xx at RCPT TO: no such mailbox) is final for this mail. A 5xx for the
                // sender or the message (530 authentication required, 554 relay denied) is most often the server's
                // set-up, which an administrator can fix: those wait and are tried again like a 4xx.
                var final = ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)ex.StatusCode >= 500;
                throw new DeliveryException($"The mail server refused it: {(int)ex.StatusCode} {ex.Message}", permanent: final, ex);
            }
            catch (Exception ex) when (ex is SmtpProtocolException or ServiceNotConnectedException or IOException or TimeoutException)
            {
                throw new DeliveryException($"The mail server connection failed: {ex.Message}", inner: ex, connectionLost: true);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: true);
                }
            }
            catch (Exception ex) when (ex is IOException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException)
            {
                // The mails are sent or failed by now; a QUIT that fails changes neither.
            }
            finally
            {
                client.Dispose();
            }
        }
    }
}

/// <summary>
/// The embedded default: each mail is a <c>.eml</c> file in <see cref="MailSettings.OutboxFolder"/>, named by its
/// Message-ID, so a mail sent again (a node died before recording it) replaces its own file rather than adding one.
/// </summary>
public sealed class FolderMailTransport(MailSettings settings) : IMailTransport
{
    public string Folder => Path.GetFullPath(settings.OutboxFolder);

    public Task<IMailConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(Folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DeliveryException($"The mail folder {Folder} cannot be written: {ex.Message}", inner: ex);
        }

        return Task.FromResult<IMailConnection>(new Connection(Folder));
    }

    /// <summary>The file a mail with this Message-ID is kept in.</summary>
    public static string FileName(string messageId) =>
        string.Concat(messageId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')) + ".eml";

    private sealed class Connection(string folder) : IMailConnection
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            var path = Path.Combine(folder, FileName(message.MessageId ?? MimeKit.Utils.MimeUtils.GenerateMessageId()));
            var temporary = path + ".tmp";
            try
            {
                await message.WriteToAsync(temporary, cancellationToken);
                File.Move(temporary, path, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new DeliveryException($"The mail could not be written to {folder}: {ex.Message}", inner: ex);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
