using Lyceum.Modules.Tutoring.Finance;
using Lyceum.Modules.Tutoring.Sessions;
using Lyceum.Platform.Events;

namespace Lyceum.Modules.Messaging.Notifications;

/// <summary>The channels a notification type comes by: the in-app notification, an e-mail, a text message.</summary>
public sealed record ChannelSet(bool InApp, bool Email, bool Sms);

/// <summary>
/// A kind of notification people choose channels for, and the module events that are of this kind. Its
/// <see cref="Key"/> is what preferences and the API use; its label is <see cref="NotificationTypeLabels"/>'s.
/// </summary>
public sealed record NotificationType(string Key, ChannelSet Defaults, IReadOnlyList<string> EventTypes);

/// <summary>
/// The catalogue of notification types. A module only writes events (<see cref="Outbox.Add"/>); this is the one place
/// that says which type each event is and how it is delivered unless the recipient chose otherwise. An event type not
/// listed here is a <see cref="System"/> notification.
/// </summary>
public static class NotificationTypes
{
    public const string Absence = "absence";
    public const string Late = "late";
    public const string Incident = "incident";
    public const string Detention = "detention";
    public const string GradePublished = "grade-published";
    public const string SessionChanged = "session-changed";
    public const string MessageReceived = "message-received";
    public const string InvoiceIssued = "invoice-issued";
    public const string System = "system";

    public const string MessageEvent = "messaging.message-received";

    public static readonly IReadOnlyList<NotificationType> All =
    [
        new(Absence, new(InApp: true, Email: true, Sms: false), [EventTypes.UnexplainedAbsence]),
        new(Late, new(InApp: true, Email: false, Sms: false), [EventTypes.Late]),
        new(Incident, new(InApp: true, Email: true, Sms: false), [EventTypes.Incident, EventTypes.BehaviourAlert]),
        new(Detention, new(InApp: true, Email: true, Sms: false), [EventTypes.DetentionScheduled]),
        new(GradePublished, new(InApp: true, Email: false, Sms: false), [EventTypes.GradePublished, EventTypes.TermGradePublished]),
        new(SessionChanged, new(InApp: true, Email: true, Sms: false), [TutoringSessionsHandler.SessionChanged]),
        new(MessageReceived, new(InApp: true, Email: true, Sms: false), [MessageEvent]),
        new(InvoiceIssued, new(InApp: true, Email: true, Sms: false), [FinanceEvents.InvoiceIssued]),
        new(System, new(InApp: true, Email: true, Sms: false), []),
    ];

    private static readonly Dictionary<string, NotificationType> ByKey = All.ToDictionary(t => t.Key, StringComparer.Ordinal);

    private static readonly Dictionary<string, NotificationType> ByEvent =
        All.SelectMany(t => t.EventTypes.Select(e => (e, t))).ToDictionary(x => x.e, x => x.t, StringComparer.Ordinal);

    public static NotificationType? Find(string? key) => key is not null && ByKey.TryGetValue(key, out var type) ? type : null;

    /// <summary>The type of a module event; anything not in the catalogue is a system notification.</summary>
    public static NotificationType OfEvent(string eventType) => ByEvent.TryGetValue(eventType, out var type) ? type : ByKey[System];

    /// <summary>The event types of a notification type (the system type: every event no other type claims).</summary>
    public static IReadOnlyList<string> EventsOf(string key) => ByKey[key].EventTypes;
}
