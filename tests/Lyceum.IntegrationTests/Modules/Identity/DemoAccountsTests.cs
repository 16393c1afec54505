using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Identity.Demo;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Identity;

[Collection("app")]
public sealed class DemoAccountsTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task Every_role_preset_has_a_demo_account_that_signs_in_with_its_role(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);

        foreach (var role in RoleNames.Presets)
        {
            using var client = app.ClientWithToken(await app.TokenAsync($"{role.ToLowerInvariant()}@{DemoAccounts.Domain}", LyceumApp.DemoPassword));
            var me = await (await client.GetAsync("/api/v1/me")).JsonAsync();
            Assert.Equal([role], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        }
    }

    [Theory, AllProviders]
    public async Task Demo_accounts_are_real_people_of_the_demo_school(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var ids = await app.QueryAsync(db => db.Users.Where(u => u.Email!.EndsWith("@" + DemoAccounts.Domain))
            .ToDictionaryAsync(u => u.Email!.Split('@', StringSplitOptions.None)[0], u => u.Id));

        var teacherSections = await app.QueryAsync(db => db.Sections.CountAsync(s => s.Teacher!.UserId == ids["teacher"]));
        var children = await app.QueryAsync(db => db.StudentGuardians
            .Where(l => l.Guardian!.UserId == ids["guardian"]).Select(l => l.StudentId).ToListAsync());
        var student = await app.QueryAsync(db => db.Students.Where(s => s.UserId == ids["student"]).Select(s => s.Id).SingleAsync());
        var jobs = await app.QueryAsync(db => db.Staff.Where(s => s.UserId != null).Select(s => s.JobTitle).ToListAsync());

        Assert.True(teacherSections >= 3);
        Assert.True(children.Count >= 1);
        Assert.Contains(student, children);
        Assert.Contains("Headteacher", jobs);
        Assert.Contains("Office Manager", jobs);
        Assert.Contains("Tutor", jobs);
    }
}
