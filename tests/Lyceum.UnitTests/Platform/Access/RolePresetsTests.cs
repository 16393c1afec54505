using Lyceum.Platform.Access;
using Lyceum.Platform.Audit;
using Lyceum.Platform.Identity;
using static Lyceum.Platform.Access.Permissions;

namespace Lyceum.UnitTests.Platform.Access;

/// <summary>The presets follow the roles table of ../shared/ROADMAP.md.</summary>
public sealed class RolePresetsTests
{
    public static TheoryData<string> Presets() => [.. RoleNames.Presets];

    [Theory, MemberData(nameof(Presets))]
    public void Every_preset_grant_is_a_catalogued_permission_in_an_allowed_scope(string preset)
    {
        Assert.All(RolePresets.GrantsOf(preset), g =>
        {
            var info = Find(g.Permission);
            Assert.NotNull(info);
            Assert.Contains(g.Scope, info.Scopes);
        });
        Assert.False(string.IsNullOrWhiteSpace(RolePresets.Descriptions[preset]));
    }

    [Fact]
    public void The_administrator_may_do_everything_everywhere()
    {
        var grants = RolePresets.GrantsOf(RoleNames.Administrator);
        Assert.Equal(All.Select(p => p.Name).Order(), grants.Select(g => g.Permission).Order());
        Assert.All(grants, g => Assert.Equal((AccessScope.School, (int?)null), (g.Scope, g.SchoolId)));
    }

    [Fact]
    public void A_moderator_may_not_delete_students_or_users_see_finance_or_edit_marks()
    {
        var granted = Names(RoleNames.Moderator);
        Assert.Empty(new[] { StudentsCreate, StudentsEdit, GuardiansCreate, GuardiansEdit, UsersCreate, UsersEdit, SessionsView, AttendanceEdit, BehaviourCreate, ReportCardsPrint, MessagesSend }.Except(granted));
        Assert.Empty(granted.Intersect([StudentsDelete, UsersDelete, FinanceView, FinanceEdit, GradesEdit, RolesManage, AuditView]));
    }

    [Fact]
    public void A_teacher_works_in_own_sections_without_finance()
    {
        var grants = RolePresets.GrantsOf(RoleNames.Teacher);
        Assert.All(grants.Where(g => g.Permission is StudentsView or AttendanceEdit or GradesEdit or BehaviourCreate or DetentionsEdit),
            g => Assert.Equal(AccessScope.OwnSections, g.Scope));
        Assert.DoesNotContain(grants, g => g.Permission.StartsWith("finance.", StringComparison.Ordinal));
        Assert.DoesNotContain(grants, g => g.Permission is StudentsEdit or StudentsCreate);
    }

    [Fact]
    public void A_tutor_logs_own_sessions_and_may_not_add_students_or_see_finance()
    {
        var grants = RolePresets.GrantsOf(RoleNames.Tutor);
        Assert.Contains(grants, g => g is { Permission: SessionsLog, Scope: AccessScope.Self });
        Assert.Empty(Names(RoleNames.Tutor).Intersect([StudentsCreate, FinanceView, FinanceEdit, SessionsCreate]));
    }

    [Fact]
    public void A_guardian_sees_the_familys_invoices_but_not_rates_or_revenue()
    {
        Assert.Contains(InvoicesView, Names(RoleNames.Guardian));
        Assert.DoesNotContain(FinanceView, Names(RoleNames.Guardian));
    }

    [Fact]
    public void Install_wide_permissions_are_granted_only_for_every_school()
    {
        Assert.All(All.Where(p => p.InstallWide), p => Assert.Equal([AccessScope.School], p.Scopes));
        Assert.Contains(RolesManage, All.Where(p => p.InstallWide).Select(p => p.Name));
        Assert.Contains(AuditView, All.Where(p => p.InstallWide).Select(p => p.Name));
    }

    [Theory]
    [InlineData(RoleNames.Guardian, new[] { AccessScope.OwnChildren, AccessScope.Self })]
    [InlineData(RoleNames.Student, new[] { AccessScope.Self })]
    public void Families_reach_only_their_own(string preset, AccessScope[] scopes) =>
        Assert.All(RolePresets.GrantsOf(preset), g => Assert.Contains(g.Scope, scopes));

    [Fact]
    public void A_student_sees_only_their_timetable_grades_attendance_and_sessions()
    {
        Assert.Equal([AttendanceView, GradesView, SectionsView, SessionsView, StudentsView], Names(RoleNames.Student).Order());
    }

    [Theory]
    [InlineData(typeof(LyceumUser), "User")]
    [InlineData(typeof(LyceumRole), "Role")]
    [InlineData(typeof(Microsoft.AspNetCore.Identity.IdentityUserRole<Guid>), "UserRole")]
    [InlineData(typeof(RoleGrant), "RoleGrant")]
    [InlineData(typeof(Lyceum.Modules.Students.Student), "Student")]
    public void Audit_names_entities_as_people_say_them(Type type, string name) => Assert.Equal(name, AuditInterceptor.NameOf(type));

    private static string[] Names(string preset) => [.. RolePresets.GrantsOf(preset).Select(g => g.Permission)];
}
