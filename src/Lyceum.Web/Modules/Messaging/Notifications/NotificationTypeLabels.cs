namespace Lyceum.Modules.Messaging.Notifications;

/// <summary>Each notification type's name as people read it (a Text.resx key).</summary>
public static class NotificationTypeLabels
{
    public static string Of(string key) => key switch
    {
        NotificationTypes.Absence => "Absences",
        NotificationTypes.Late => "Late arrivals",
        NotificationTypes.Incident => "Behaviour incidents",
        NotificationTypes.Detention => "Detentions",
        NotificationTypes.GradePublished => "Grades published",
        NotificationTypes.SessionChanged => "Tutoring sessions changed",
        NotificationTypes.MessageReceived => "Messages",
        NotificationTypes.InvoiceIssued => "Invoices",
        _ => "School announcements",
    };
}
