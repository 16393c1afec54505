using Lyceum.Platform.Identity;
using static Lyceum.Platform.Access.Permissions;

namespace Lyceum.Platform.Access;

/// <summary>
/// The grants each preset role starts with, following the roles table of ../shared/ROADMAP.md. Seeded once when a
/// preset is missing; after that the role is data and an administrator's edits stand.
/// </summary>
public static class RolePresets
{
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [RoleNames.Administrator] = "The head or owner: everything, including finance, configuration, users, roles and audit.",
        [RoleNames.Moderator] = "Office staff and coordinators: students, guardians, user profiles, every schedule, registers and incidents; no finance, no deleting, no marks.",
        [RoleNames.Teacher] = "Own sections: registers, grades, behaviour, detentions and messages to their students' guardians.",
        [RoleNames.Tutor] = "Own calendar and profile; logs own sessions; messages to tutees' guardians. No finance.",
        [RoleNames.Guardian] = "Their own children's attendance, published grades, behaviour, timetable and sessions; their family's invoices.",
        [RoleNames.Student] = "Their own timetable, published grades, attendance and sessions.",
    };

    public static IReadOnlyList<RoleGrant> GrantsOf(string preset) => preset switch
    {
        RoleNames.Administrator => [.. All.Select(p => Grant(p.Name, AccessScope.School))],
        RoleNames.Moderator => Grants(AccessScope.School,
            StudentsView, StudentsCreate, StudentsEdit, GuardiansView, GuardiansCreate, GuardiansEdit, StaffView,
            SchoolView, SectionsView, EnrollmentsEdit, AttendanceView, AttendanceEdit, BehaviourView, BehaviourCreate,
            DetentionsView, DetentionsEdit, GradesView, ReportCardsPrint, SessionsView, SessionsCreate, SessionsEdit,
            SessionsLog, MessagesSend, BroadcastsTutors, UsersView, UsersCreate, UsersEdit),
        RoleNames.Teacher =>
        [
            .. Grants(AccessScope.OwnSections,
                StudentsView, GuardiansView, SectionsView, AttendanceView, AttendanceEdit, BehaviourView, BehaviourCreate,
                DetentionsView, DetentionsEdit, GradesView, GradesEdit, GradesPublish, MessagesSend, AnalyticsView),
            .. Grants(AccessScope.School, SchoolView),
            .. Grants(AccessScope.Self, StaffView, StaffEdit),
        ],
        RoleNames.Tutor =>
        [
            .. Grants(AccessScope.Self, SessionsView, SessionsLog, StaffView, StaffEdit),
            .. Grants(AccessScope.OwnSections, StudentsView, MessagesSend),
        ],
        RoleNames.Guardian =>
        [
            .. Grants(AccessScope.OwnChildren,
                StudentsView, GuardiansView, SectionsView, AttendanceView, GradesView, BehaviourView, DetentionsView,
                SessionsView, InvoicesView, MessagesSend),
        ],
        RoleNames.Student => Grants(AccessScope.Self, StudentsView, SectionsView, AttendanceView, GradesView, SessionsView),
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "Not a role preset."),
    };

    private static RoleGrant[] Grants(AccessScope scope, params string[] permissions) =>
        [.. permissions.Select(p => Grant(p, scope))];

    private static RoleGrant Grant(string permission, AccessScope scope) => new() { Permission = permission, Scope = scope };
}
