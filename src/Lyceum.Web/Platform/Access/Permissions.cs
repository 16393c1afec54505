using Lyceum.Platform.Identity;

namespace Lyceum.Platform.Access;

/// <summary>
/// A permission a role can grant, and the scopes a grant of it may have. An install-wide permission (roles, accounts,
/// the audit trail) acts on the whole install, so only an unlimited grant (school scope, no school) counts: a grant
/// limited to one school must not be a way to make oneself administrator of every school.
/// </summary>
public sealed record PermissionInfo(string Name, string Description, IReadOnlyList<AccessScope> Scopes, bool InstallWide = false);

/// <summary>
/// The catalogue of permissions: resource × action (view, create, edit, delete) plus specials. It covers the whole
/// roadmap so that roles can be set up once; a permission whose module has not landed yet guards nothing so far.
/// Endpoints name the permission they need as their authorization policy (see <see cref="AccessModule"/>).
/// </summary>
public static class Permissions
{
    public const string StudentsView = "students.view";
    public const string StudentsCreate = "students.create";
    public const string StudentsEdit = "students.edit";
    public const string StudentsDelete = "students.delete";
    public const string GuardiansView = "guardians.view";
    public const string GuardiansCreate = "guardians.create";
    public const string GuardiansEdit = "guardians.edit";
    public const string GuardiansDelete = "guardians.delete";
    public const string StaffView = "staff.view";
    public const string StaffCreate = "staff.create";
    public const string StaffEdit = "staff.edit";
    public const string StaffDelete = "staff.delete";
    public const string SchoolView = "school.view";
    public const string SchoolConfigure = "school.configure";
    public const string SectionsView = "sections.view";
    public const string SectionsEdit = "sections.edit";
    public const string EnrollmentsEdit = "enrollments.edit";
    public const string AttendanceView = "attendance.view";
    public const string AttendanceEdit = "attendance.edit";
    public const string BehaviourView = "behaviour.view";
    public const string BehaviourCreate = "behaviour.create";
    public const string BehaviourEdit = "behaviour.edit";
    public const string BehaviourDelete = "behaviour.delete";
    public const string DetentionsView = "detentions.view";
    public const string DetentionsEdit = "detentions.edit";
    public const string GradesView = "grades.view";
    public const string GradesEdit = "grades.edit";
    public const string GradesPublish = "grades.publish";
    public const string ReportCardsPrint = "reportcards.print";
    public const string SessionsView = "sessions.view";
    public const string SessionsCreate = "sessions.create";
    public const string SessionsEdit = "sessions.edit";
    public const string SessionsDelete = "sessions.delete";
    public const string SessionsLog = "sessions.log";
    public const string InvoicesView = "invoices.view";
    public const string FinanceView = "finance.view";
    public const string FinanceEdit = "finance.edit";
    public const string MessagesSend = "messages.send";
    public const string BroadcastsSend = "broadcasts.send";
    public const string BroadcastsTutors = "broadcasts.tutors";
    public const string AnalyticsView = "analytics.view";
    public const string UsersView = "users.view";
    public const string UsersCreate = "users.create";
    public const string UsersEdit = "users.edit";
    public const string UsersDelete = "users.delete";
    public const string RolesManage = "roles.manage";
    public const string AuditView = "audit.view";
    public const string MessagingManage = "messaging.manage";

    private static readonly AccessScope[] AnyScope =
        [AccessScope.School, AccessScope.Department, AccessScope.OwnSections, AccessScope.OwnChildren, AccessScope.Self];

    private static readonly AccessScope[] SchoolOnly = [AccessScope.School];

    private static readonly AccessScope[] SchoolOrDepartment = [AccessScope.School, AccessScope.Department];

    public static readonly IReadOnlyList<PermissionInfo> All =
    [
        new(StudentsView, "See students' records", AnyScope),
        new(StudentsCreate, "Add students", SchoolOnly),
        new(StudentsEdit, "Edit students' records", AnyScope),
        new(StudentsDelete, "Delete students who have no dependent records", SchoolOnly),
        new(GuardiansView, "See guardians and their links to students", AnyScope),
        new(GuardiansCreate, "Add guardians", SchoolOnly),
        new(GuardiansEdit, "Edit guardians and their links to students", AnyScope),
        new(GuardiansDelete, "Delete guardians", SchoolOnly),
        new(StaffView, "See staff records", AnyScope),
        new(StaffCreate, "Add staff", SchoolOnly),
        new(StaffEdit, "Edit staff records", AnyScope),
        new(StaffDelete, "Delete staff", SchoolOnly),
        new(SchoolView, "See the school's structure: years, terms, departments, courses, rooms, periods", AnyScope),
        new(SchoolConfigure, "Change the school's structure and settings", SchoolOnly),
        new(SectionsView, "See sections, their students and timetables", AnyScope),
        new(SectionsEdit, "Create and change sections and their timetables", SchoolOrDepartment),
        new(EnrollmentsEdit, "Enrol, transfer and withdraw students", AnyScope),
        new(AttendanceView, "See attendance", AnyScope),
        new(AttendanceEdit, "Take and amend registers", AnyScope),
        new(BehaviourView, "See behaviour incidents and points", AnyScope),
        new(BehaviourCreate, "Log behaviour incidents", AnyScope),
        new(BehaviourEdit, "Change behaviour incidents", AnyScope),
        new(BehaviourDelete, "Delete behaviour incidents", AnyScope),
        new(DetentionsView, "See detentions", AnyScope),
        new(DetentionsEdit, "Schedule detentions and mark who attended", AnyScope),
        new(GradesView, "See marks and grades (students and guardians: published ones only)", AnyScope),
        new(GradesEdit, "Enter marks and grades", AnyScope),
        new(GradesPublish, "Publish marks and grades to students and guardians", AnyScope),
        new(ReportCardsPrint, "Print report cards and transcripts", AnyScope),
        new(SessionsView, "See tutoring sessions", AnyScope),
        new(SessionsCreate, "Book tutoring sessions", AnyScope),
        new(SessionsEdit, "Move and cancel tutoring sessions", AnyScope),
        new(SessionsDelete, "Delete tutoring sessions", AnyScope),
        new(SessionsLog, "Log tutoring sessions as completed, no-show or cancelled", AnyScope),
        new(InvoicesView, "See invoices, payments and balances (guardians: their own family's)", AnyScope),
        new(FinanceView, "See rates, revenue and every invoice and payment", SchoolOnly),
        new(FinanceEdit, "Set rates, issue invoices and record payments", SchoolOnly),
        new(MessagesSend, "Send messages", AnyScope),
        new(BroadcastsSend, "Broadcast to a role, section, year group or school", AnyScope),
        new(BroadcastsTutors, "Broadcast to the tutors (a coordinator's announcements)", SchoolOnly),
        new(AnalyticsView, "See dashboards and analytics", AnyScope),
        new(UsersView, "See user accounts", SchoolOnly, InstallWide: true),
        new(UsersCreate, "Create and invite user accounts", SchoolOnly, InstallWide: true),
        new(UsersEdit, "Change user accounts", SchoolOnly, InstallWide: true),
        new(UsersDelete, "Delete or deactivate user accounts", SchoolOnly, InstallWide: true),
        new(RolesManage, "Create and change roles and assign them to accounts", SchoolOnly, InstallWide: true),
        new(AuditView, "Read the audit trail", SchoolOnly, InstallWide: true),
        new(MessagingManage, "See sent mail and the delivery log, and send failed deliveries again", SchoolOnly, InstallWide: true),
    ];

    private static readonly Dictionary<string, PermissionInfo> ByName = All.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static PermissionInfo? Find(string? name) => name is not null && ByName.TryGetValue(name, out var info) ? info : null;
}
