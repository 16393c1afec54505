using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using MimeKit;

namespace Lyceum.Modules.Messaging.Email;

public sealed record SentMailItem(string File, string Subject, string To, string From, DateTime SentAt);

public sealed record SentMailMessage(SentMailItem Summary, string? ReplyTo, string? Text, string? Html);

public sealed record SentMailList(bool UsesSmtp, string Where, IReadOnlyList<SentMailItem> Items, int Total);

/// <summary>
/// The administrator's Sent mail page in the embedded default: the mails the folder transport wrote, newest first.
/// With SMTP configured the mail has left the machine; the page says where it went.
/// </summary>
public sealed class SentMailHandler(MailSettings settings, FolderMailTransport folder)
{
    public const int MaxListed = 200;

    public Result<SentMailList> List(Caller caller)
    {
        if (!caller.CanEverywhere(Permissions.MessagingManage))
        {
            return new Error.Forbidden("Sent mail needs messaging.manage.");
        }

        if (settings.UsesSmtp)
        {
            return new SentMailList(true, $"{settings.SmtpHost}:{settings.SmtpPort}", [], 0);
        }

        var files = Directory.Exists(folder.Folder)
            ? new DirectoryInfo(folder.Folder).GetFiles("*.eml").OrderByDescending(f => f.LastWriteTimeUtc).ToList()
            : [];
        var items = new List<SentMailItem>();
        foreach (var file in files.Take(MaxListed))
        {
            if (Read(file) is { } message)
            {
                items.Add(Summary(file, message));
            }
        }

        return new SentMailList(false, folder.Folder, items, files.Count);
    }

    public Result<SentMailMessage> Get(Caller caller, string file)
    {
        if (!caller.CanEverywhere(Permissions.MessagingManage))
        {
            return new Error.Forbidden("Sent mail needs messaging.manage.");
        }

        // Only a plain file name of the folder: nothing outside it can be named.
        if (string.IsNullOrWhiteSpace(file) || Path.GetFileName(file) != file || !file.EndsWith(".eml", StringComparison.Ordinal))
        {
            return new Error.NotFound("There is no such mail.");
        }

        var info = new FileInfo(Path.Combine(folder.Folder, file));
        if (!info.Exists || Read(info) is not { } message)
        {
            return new Error.NotFound("There is no such mail.");
        }

        return new SentMailMessage(Summary(info, message), message.ReplyTo.ToString(), message.TextBody, message.HtmlBody);
    }

    private static MimeMessage? Read(FileInfo file)
    {
        try
        {
            return MimeMessage.Load(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            return null; // being replaced this instant, or not a mail: left out
        }
    }

    private static SentMailItem Summary(FileInfo file, MimeMessage message) =>
        new(file.Name, message.Subject ?? "", message.To.ToString(), message.From.ToString(), file.LastWriteTimeUtc);
}
