using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using static Lyceum.IntegrationTests.Modules.Gradebook.GradebookWorld;

namespace Lyceum.IntegrationTests.Modules.Gradebook;

/// <summary>
/// A school's grading scales through /api/v1/grading-scales: the presets a school starts with, its own scales (bands
/// that cover 0–100 exactly once), the default new gradebooks take, and a scale in use kept from deletion.
/// </summary>
[Collection("app")]
public sealed class GradingScalesTests(AppFixture fixture)
{
    private static object Bands(string name, int school, params (string Label, decimal From, decimal To)[] bands) =>
        new { schoolId = school, name, kind = "bands", bands = bands.Select(b => new { label = b.Label, from = b.From, to = b.To }).ToArray() };

    private static async Task<JsonArray> ScalesAsync(HttpClient client, int school) =>
        (await (await client.GetAsync($"/api/v1/grading-scales?schoolId={school}")).JsonAsync()).AsArray();

    /// <summary>A fresh school whose scales exist (the presets are made when its first gradebook is opened).</summary>
    private static async Task<(GradebookWorld World, int Section)> SchoolAsync(LyceumApp app, HttpClient admin)
    {
        var w = await GradebookWorld.CreateAsync(app, admin);
        var section = await w.ClassAsync(app, admin, w.Teacher, "9A Maths", []);
        await GradebookAsync(admin, section);
        return (w, section);
    }

    [Theory, AllProviders]
    public async Task A_school_starts_with_the_preset_scales_letters_being_the_default(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (w, _) = await SchoolAsync(app, admin);

        var scales = await ScalesAsync(admin, w.School);

        Assert.Equal(["0–20", "9–1", "Letters A–F", "Pass/fail", "Percentage"], scales.Select(s => s!["name"]!.GetValue<string>()));
        var letters = scales.Single(s => s!["isDefault"]!.GetValue<bool>())!;
        Assert.Equal("Letters A–F", letters["name"]!.GetValue<string>());
        Assert.Equal(("A+", 97m, 100m), (letters["bands"]![0]!["label"]!.GetValue<string>(), letters["bands"]![0]!["from"]!.GetValue<decimal>(), letters["bands"]![0]!["to"]!.GetValue<decimal>()));
        Assert.Equal(("F", 0m), (letters["bands"]![12]!["label"]!.GetValue<string>(), letters["bands"]![12]!["from"]!.GetValue<decimal>()));
        Assert.Equal(20m, scales.Single(s => s!["name"]!.GetValue<string>() == "0–20")!["pointsMax"]!.GetValue<decimal>());

        // A teacher reads them (school.view); only who configures the school changes them.
        using var teacher = await app.ClientAsAsync(RoleNames.Teacher);
        Assert.Equal(5, (await ScalesAsync(teacher, w.School)).Count);
        await (await teacher.PostAsJsonAsync("/api/v1/grading-scales", Bands("Mine", w.School, ("Pass", 50, 100), ("Fail", 0, 50)))).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, AllProviders]
    public async Task A_schools_own_scale_can_be_the_default_and_grades_new_gradebooks_by_its_bands(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (w, existing) = await SchoolAsync(app, admin);
        await CategoryAsync(admin, existing, "Tests", 1); // the existing gradebook is set up, on the letters

        using var created = await admin.PostAsJsonAsync("/api/v1/grading-scales", new
        {
            schoolId = w.School,
            name = "Honours/Merit/Pass",
            kind = "bands",
            isDefault = true,
            // Listed in any order; stored highest first.
            bands = new[] { new { label = "Pass", from = 40m, to = 60m }, new { label = "Fail", from = 0m, to = 40m }, new { label = "Honours", from = 80m, to = 100m }, new { label = "Merit", from = 60m, to = 80m } },
        });
        var scale = await created.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(["Honours", "Merit", "Pass", "Fail"], scale["bands"]!.AsArray().Select(b => b!["label"]!.GetValue<string>()));
        var defaults = (await ScalesAsync(admin, w.School)).Where(s => s!["isDefault"]!.GetValue<bool>()).Select(s => s!["name"]!.GetValue<string>());
        Assert.Equal(["Honours/Merit/Pass"], defaults);

        var ann = await w.StudentAsync(app, "Ann", "Able");
        var section = await w.ClassAsync(app, admin, w.Teacher, "9B Maths", [ann]);
        var test = await AssessmentAsync(admin, section, await CategoryAsync(admin, section, "Tests", 1), "Test", 50);
        await SavedAsync(admin, section, new Cell(test, ann, 30)); // 60% → Merit (from included)

        var book = await GradebookAsync(admin, section);
        Assert.Equal("Honours/Merit/Pass", book["scale"]!["name"]!.GetValue<string>());
        Assert.Equal("Merit", Grade(book, ann));
        Assert.Equal("Letters A–F", (await GradebookAsync(admin, existing))["scale"]!["name"]!.GetValue<string>());

        // In use, it cannot be deleted; an unused one can.
        var id = scale["id"]!.GetValue<int>();
        var refused = await (await admin.DeleteAsync($"/api/v1/grading-scales/{id}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("1 gradebook(s)", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        (await (await admin.GetAsync($"/api/v1/grading-scales/{id}")).JsonAsync()).AsObject();
        var unused = (await ScalesAsync(admin, w.School)).Single(s => s!["name"]!.GetValue<string>() == "9–1")!["id"]!.GetValue<int>();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/grading-scales/{unused}")).StatusCode);
        await (await admin.GetAsync($"/api/v1/grading-scales/{unused}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task Editing_a_scale_regrades_its_gradebooks_and_needs_the_current_version(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (w, _) = await SchoolAsync(app, admin);
        using var created = await admin.PostAsJsonAsync("/api/v1/grading-scales", Bands("Pass mark", w.School, ("Pass", 50, 100), ("Fail", 0, 50)));
        var scale = (await created.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
        var etag = created.Headers.ETag!.Tag;
        var ann = await w.StudentAsync(app, "Ann", "Edge");
        var section = await w.ClassAsync(app, admin, w.Teacher, "9E Maths", [ann]);
        var test = await AssessmentAsync(admin, section, await CategoryAsync(admin, section, "Tests", 1), "Test", 100);
        await SavedAsync(admin, section, new Cell(test, ann, 55));
        await (await admin.PutAsJsonAsync($"/api/v1/sections/{section}/gradebook/scale", new { scaleId = scale })).JsonAsync();
        Assert.Equal("Pass", Grade(await GradebookAsync(admin, section), ann));

        using var raised = await admin.SendAsync(Put($"/api/v1/grading-scales/{scale}", etag, Bands("Pass mark", w.School, ("Pass", 60, 100), ("Fail", 0, 60))));
        await raised.JsonAsync();
        Assert.NotEqual(etag, raised.Headers.ETag!.Tag); // only the bands changed, and still a new version
        Assert.Equal("Fail", Grade(await GradebookAsync(admin, section), ann));

        using var stale = await admin.SendAsync(Put($"/api/v1/grading-scales/{scale}", etag, Bands("Pass mark", w.School, ("Pass", 30, 100), ("Fail", 0, 30))));
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("Fail", Grade(await GradebookAsync(admin, section), ann));
    }

    public static TheoryData<DatabaseProvider, string, string> BadScales()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            // Overlaps: the band starting inside the one below it is named (listed lowest first, then highest first).
            data.Add(provider, """[{"label":"Fail","from":0,"to":50},{"label":"Pass","from":40,"to":100}]""", "bands[1].from");
            data.Add(provider, """[{"label":"A","from":50,"to":100},{"label":"B","from":40,"to":60},{"label":"C","from":0,"to":40}]""", "bands[0].from");
            // Gap between C (0–40) and B (45–…).
            data.Add(provider, """[{"label":"A","from":60,"to":100},{"label":"B","from":45,"to":60},{"label":"C","from":0,"to":40}]""", "bands[1].from");
            data.Add(provider, """[{"label":"A","from":50,"to":100},{"label":"B","from":10,"to":50}]""", "bands[1].from");
            data.Add(provider, """[{"label":"A","from":50,"to":90},{"label":"B","from":0,"to":50}]""", "bands[0].to");
            data.Add(provider, """[{"label":"A","from":50,"to":100},{"label":"a","from":0,"to":50}]""", "bands[1].label");
            data.Add(provider, """[{"label":"A","from":50,"to":40},{"label":"B","from":0,"to":50}]""", "bands[0].to");
            data.Add(provider, """[{"label":"A","from":0,"to":100}]""", "bands");
            data.Add(provider, """[{"label":"A","from":"fifty","to":100},{"label":"B","from":0,"to":50}]""", "bands[0].from");
        }

        return data;
    }

    [Theory, MemberData(nameof(BadScales))]
    public async Task A_scale_whose_bands_do_not_cover_0_to_100_exactly_once_is_refused_at_the_band(DatabaseProvider provider, string bands, string field)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (w, _) = await SchoolAsync(app, admin);
        var before = (await ScalesAsync(admin, w.School)).ToJsonString();

        using var response = await admin.PostAsync("/api/v1/grading-scales", Http.Json($$"""{"schoolId":{{w.School}},"name":"Broken","kind":"bands","bands":{{bands}}}"""));

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, (await ScalesAsync(admin, w.School)).ToJsonString());
    }

    [Theory, AllProviders]
    public async Task Other_bad_scales_are_refused_at_their_field(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (w, _) = await SchoolAsync(app, admin);
        var before = (await ScalesAsync(admin, w.School)).ToJsonString();

        await (await admin.PostAsJsonAsync("/api/v1/grading-scales", new { schoolId = w.School, name = "Stars", kind = "stars" })).ProblemAsync(HttpStatusCode.BadRequest, "kind");
        await (await admin.PostAsJsonAsync("/api/v1/grading-scales", new { schoolId = w.School, name = "0–0", kind = "points", pointsMax = 0 })).ProblemAsync(HttpStatusCode.BadRequest, "pointsMax");
        await (await admin.PostAsJsonAsync("/api/v1/grading-scales", new { schoolId = w.School, name = "Fine", kind = "percentage", decimals = 3 })).ProblemAsync(HttpStatusCode.BadRequest, "decimals");
        await (await admin.PostAsJsonAsync("/api/v1/grading-scales", new { schoolId = w.School, name = "Percentage", kind = "percentage" })).ProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await admin.PostAsJsonAsync("/api/v1/grading-scales", new { schoolId = 987654321, name = "Nowhere", kind = "percentage" })).ProblemAsync(HttpStatusCode.BadRequest, "schoolId");
        Assert.Equal(before, (await ScalesAsync(admin, w.School)).ToJsonString());
    }
}
