using System.Text.Json;
using Deque.AxeCore.Commons;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Infrastructure;

/// <summary>
/// The real app on a real port (SQLite, the small demo school, one-click demo sign-in on) and Debian's Chromium,
/// shared by the browser specs. Chromium comes from the distribution (test.sh installs it): no Playwright download.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    public LyceumApp App { get; private set; } = default!;

    public Uri Root { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    private IPlaywright? _playwright;

    /// <summary>Where screenshots go: TestResults/screenshots beside the TRX files, kept as CI artefacts.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(FindRepositoryRoot(), "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        App = await LyceumApp.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Lyceum:Demo:OneClickSignIn"] = "true",
        });
        Root = await App.StartOnRealPortAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
        // Likewise for assertions without a timeout of their own (Playwright's default is 5 s).
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    /// <summary>
    /// Chooses the demo school (the first) in a record form's School select. Other specs add schools to the same app,
    /// and a form chooses the school by itself only while there is one, so a spec that leaves the choice to the form
    /// passes or fails by the order the specs ran in.
    /// </summary>
    /// <remarks>
    /// With <paramref name="onlyIfAsked"/>, for a form that shows the select only when there is a choice (the student
    /// form): waits for the form to be ready (<c>#first-name</c> enabled) and chooses only if the select is there.
    /// </remarks>
    public async Task ChooseDemoSchoolAsync(IPage page, bool onlyIfAsked = false)
    {
        if (onlyIfAsked)
        {
            await Assertions.Expect(page.Locator("#first-name")).ToBeEnabledAsync();
            if (await page.Locator("#school").CountAsync() == 0)
            {
                return;
            }
        }

        await page.Locator("#school").SelectOptionAsync((await DemoSchoolIdAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The demo school: the first, which every app of the suite seeds before any spec adds one.</summary>
    public Task<int> DemoSchoolIdAsync() => App.QueryAsync(db => db.Schools.OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());

    /// <summary>A fresh browser context (no cookies) with a page of the given width.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Root.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = width <= 480 ? 844 : 900 },
            Locale = "en-GB",
        });
        // The suite shares two cores with the integration tests on CI: a page that takes more than Playwright's default
        // 30 s to answer there is slow, not broken. Assertions keep their own shorter timeouts.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        Errors.AddOrUpdate(page, errors);
        return page;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> Errors = [];

    /// <summary>What the page logged as errors (script failures, a circuit that broke): a page should log none.</summary>
    public static IReadOnlyList<string> ErrorsOf(IPage page) => Errors.TryGetValue(page, out var errors) ? errors : [];

    /// <summary>Signs in with the one-click demo button of a role preset and waits for the dashboard.</summary>
    public static async Task SignInAsDemoAsync(IPage page, string role)
    {
        await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = role, Exact = true }).ClickAsync();
        // The sign-in is a plain form post and a redirect; on a busy CI machine (integration tests run beside these
        // specs) the dashboard's first render can take a while, so wait for the address, then the heading, longer.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true }).WaitForAsync(new() { Timeout = 60_000 });
    }

    /// <summary>
    /// Opens a tab and waits until it is selected. A click that lands before the page's circuit is connected (the
    /// prerendered page is already on screen) does nothing, as it would for a person: click again until it takes.
    /// </summary>
    public static async Task SelectTabAsync(IPage page, string name)
    {
        var tab = page.GetByRole(AriaRole.Tab, new() { Name = name });
        for (var attempt = 1; ; attempt++)
        {
            await tab.ClickAsync();
            try
            {
                await Assertions.Expect(tab).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 1_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 10)
            {
            }
        }
    }

    /// <summary>
    /// Clicks a link until <paramref name="shown"/> is on screen. A link clicked while the page's circuit is still
    /// connecting can change the address but leave the old part of the page showing; a person clicks again.
    /// </summary>
    public static async Task ClickUntilShownAsync(ILocator link, ILocator shown)
    {
        for (var attempt = 1; ; attempt++)
        {
            await link.ClickAsync();
            try
            {
                await Assertions.Expect(shown).ToBeVisibleAsync(new() { Timeout = 5_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 10)
            {
            }
        }
    }

    /// <summary>
    /// Follows a link to <paramref name="path"/>: checks that it is on the page and points there, then loads that
    /// address, as the click would. A click that lands while blazor.web.js takes over the page's links once left
    /// Playwright waiting 60 s for a load that never came (CI, the course link of RecordsSpecs).
    /// </summary>
    public static async Task FollowLinkAsync(ILocator link, string path)
    {
        await Assertions.Expect(link).ToHaveAttributeAsync("href", path);
        await link.Page.GotoAsync(path);
    }

    /// <summary>A full-page screenshot named after the page and width, written as a test artefact.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(ScreenshotFolder, $"{name}-{page.ViewportSize!.Width}.png"),
            FullPage = true,
        });

    /// <summary>axe-core as Deque bundles it, read once.</summary>
    private static readonly Lazy<string> AxeScript = new(() => new BundledAxeScriptProvider().GetScript());

    /// <summary>
    /// No serious or critical axe violation, with every rule on and nothing excluded. axe-core runs in the page itself:
    /// Deque's Playwright wrapper finishes every run in a fresh browser page of its own (to be safe from a hostile page's
    /// scripts), which took 2–4 s a check here against axe's own 0.1–0.3 s; our pages are ours and have no frames.
    /// </summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'"))
        {
            await page.EvaluateAsync(AxeScript.Value);
        }

        var json = await page.EvaluateAsync<string>("""
            async () => {
                const result = await axe.run(document, { resultTypes: ['violations'] });
                return JSON.stringify(result.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({ impact: v.impact, id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html) })));
            }
            """);
        var bad = JsonSerializer.Deserialize<AxeViolation[]>(json, JsonSerializerOptions.Web)!;
        Assert.True(bad.Length == 0, string.Join("\n", bad.Select(v => $"{v.Impact} {v.Id}: {v.Help} — {string.Join("; ", v.Nodes)}")));
    }

    private sealed record AxeViolation(string Impact, string Id, string Help, string[] Nodes);

    /// <summary>Nothing wider than the viewport: no horizontal scrolling on a phone.</summary>
    public static async Task AssertNoHorizontalScrollAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        if (width > page.ViewportSize!.Width)
        {
            // Name the widest culprits, so that a failure says what to fix.
            var wide = await page.EvaluateAsync<string[]>("""
                w => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > w + 1)
                    .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`)
                """, page.ViewportSize.Width);
            Assert.Fail($"The page is {width} px wide at a {page.ViewportSize.Width} px viewport: {string.Join("; ", wide)}");
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lyceum.slnx")))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}

[CollectionDefinition("browser")]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;
