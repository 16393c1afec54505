using Lyceum.Components.Layout;
using Lyceum.Platform.Access;
using Lyceum.Platform.Identity;

namespace Lyceum.ComponentTests.Components;

public sealed class NavMenuTests : LyceumComponentContext
{
    [Fact]
    public void Lists_only_the_pages_the_callers_grants_allow()
    {
        var guardian = new Caller(Guid.NewGuid(), "guardian@example.org",
            [new AccessGrant(Permissions.StudentsView, AccessScope.OwnChildren)], []);

        var nav = Render<NavMenu>(p => p.Add(m => m.Caller, guardian));

        var links = nav.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["/", "/messages", "/students"], links);
    }

    [Fact]
    public void Family_grants_of_grades_view_do_not_offer_the_staff_gradebook()
    {
        var caller = new Caller(Guid.NewGuid(), "parent@example.org",
            [new AccessGrant(Permissions.StudentsView, AccessScope.OwnChildren), new AccessGrant(Permissions.GradesView, AccessScope.OwnChildren)], []);

        var nav = Render<NavMenu>(p => p.Add(m => m.Caller, caller));

        Assert.Equal(["/", "/messages", "/students"], nav.FindAll("a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void A_role_that_sees_sections_is_offered_the_timetable()
    {
        var student = new Caller(Guid.NewGuid(), "student@example.org",
            [new AccessGrant(Permissions.StudentsView, AccessScope.Self), new AccessGrant(Permissions.SectionsView, AccessScope.Self)], []);

        var nav = Render<NavMenu>(p => p.Add(m => m.Caller, student));

        Assert.Equal(["/", "/messages", "/students", "/timetable"], nav.FindAll("a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void The_office_is_offered_guardians_staff_attendance_behaviour_report_cards_the_school_structure_and_accounts_in_that_order()
    {
        var moderator = new Caller(Guid.NewGuid(), "office@example.org",
            [.. RolePresets.GrantsOf(RoleNames.Moderator).Select(g => new AccessGrant(g.Permission, g.Scope))], []);

        var nav = Render<NavMenu>(p => p.Add(m => m.Caller, moderator));

        Assert.Equal(["/", "/messages", "/students", "/guardians", "/staff", "/timetable", "/attendance", "/attendance/overview", "/attendance/absences", "/behaviour", "/detentions", "/gradebook", "/tutoring", "/report-cards", "/structure", "/users", "/messages/broadcasts"], nav.FindAll("a").Select(a => a.GetAttribute("href")));
        Assert.Contains(nav.FindAll("a"), a => a.GetAttribute("href") == "/report-cards" && a.TextContent.Contains("Report cards", StringComparison.Ordinal));
        Assert.Contains(nav.FindAll("a"), a => a.GetAttribute("href") == "/structure" && a.TextContent.Contains("School structure", StringComparison.Ordinal));
        Assert.Contains(nav.FindAll("a"), a => a.GetAttribute("href") == "/users" && a.TextContent.Contains("Accounts", StringComparison.Ordinal));
    }

    [Fact]
    public void A_teacher_is_offered_every_list_their_grants_reach_even_if_only_their_own_records_but_not_accounts_report_cards_or_school_wide_pages()
    {
        var teacher = new Caller(Guid.NewGuid(), "teacher@example.org",
            [.. RolePresets.GrantsOf(RoleNames.Teacher).Select(g => new AccessGrant(g.Permission, g.Scope))], []);

        var nav = Render<NavMenu>(p => p.Add(m => m.Caller, teacher));

        Assert.Equal(["/", "/messages", "/students", "/guardians", "/staff", "/timetable", "/attendance", "/attendance/overview", "/behaviour", "/detentions", "/gradebook", "/structure"], nav.FindAll("a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void A_tutor_is_offered_the_tutoring_calendar_and_a_family_their_sessions_at_the_same_address()
    {
        var tutor = new Caller(Guid.NewGuid(), "tutor@example.org",
            [.. RolePresets.GrantsOf(RoleNames.Tutor).Select(g => new AccessGrant(g.Permission, g.Scope))], []);
        var guardian = new Caller(Guid.NewGuid(), "parent@example.org",
            [new AccessGrant(Permissions.StudentsView, AccessScope.OwnChildren), new AccessGrant(Permissions.SessionsView, AccessScope.OwnChildren)], []);

        Assert.Equal(["/", "/messages", "/students", "/staff", "/tutoring"], Render<NavMenu>(p => p.Add(m => m.Caller, tutor)).FindAll("a").Select(a => a.GetAttribute("href")));
        Assert.Equal(["/", "/messages", "/students", "/tutoring"], Render<NavMenu>(p => p.Add(m => m.Caller, guardian)).FindAll("a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void An_administrator_also_sees_the_api_documentation()
    {
        var administrator = new Caller(Guid.NewGuid(), "head@example.org",
            [.. Permissions.All.Select(p => new AccessGrant(p.Name, AccessScope.School))], []);

        var nav = Render<NavMenu>(p => p.Add(m => m.Caller, administrator));

        Assert.Contains(nav.FindAll("a"), a => a.GetAttribute("href") == "/docs/" && a.TextContent.Contains("API documentation", StringComparison.Ordinal));
        Assert.Contains(nav.FindAll("a"), a => a.GetAttribute("href") == "/report-cards");
        Assert.Contains(nav.FindAll("a"), a => a.GetAttribute("href") == "/messages/broadcasts" && a.TextContent.Contains("Broadcasts", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_grants_only_the_dashboard_is_listed()
    {
        var nav = Render<NavMenu>(p => p.Add(m => m.Caller, Caller.Anonymous));

        Assert.Equal(["/"], nav.FindAll("a").Select(a => a.GetAttribute("href")));
        Assert.Equal("Main", nav.Find("nav").GetAttribute("aria-label"));
    }
}
