// Memory per interactive circuit: signs in once with the sign-in form, opens the students page in N browser contexts
// of Debian's Chromium (each its own circuit), waits until every grid shows rows (they arrive over the circuit), keeps
// them all open, and samples the app process's memory before, with them open, and after they are closed and gone.
// Each sample forces a full blocking GC in the app first (dotnet-gcdump collect), so that the managed heap is what is
// live, not what happens not to be collected yet; the dumps' type tables are kept for the raw output.
//
// Usage (bench/students-page.sh runs it): dotnet Circuits.dll --base http://127.0.0.1:PORT --pid APP_PID
//   --email E --password P [--contexts 100] [--parallel 4] [--warmup 3] [--settle 15] [--gcdump PATH] [--out DIR]
//   [--keep-alive 135] [--gone-timeout 240] [--chromium /usr/bin/chromium]
// Prints "CIRCUITS_…" key=value lines for the script, and a readable log on standard error.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Lyceum.Bench.Circuits;
using Microsoft.Playwright;

var options = Options.Parse(args);
var app = new AppProcess(options);
Log.Write($"app pid {options.Pid} at {options.Base}; {options.Contexts} contexts, {options.Parallel} at a time");

// The framework script must be served (Production serves static web assets only through UseStaticWebAssets).
using (var http = new HttpClient { BaseAddress = options.Base })
{
    var script = await http.GetAsync(new Uri("_framework/blazor.web.js", UriKind.Relative));
    Console.WriteLine($"CIRCUITS_CHECK blazor_web_js={(int)script.StatusCode}");
    if (script.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"GET /_framework/blazor.web.js answered {(int)script.StatusCode}");
    }
}

var session = await SignIn.CookieAsync(options);
Log.Write($"signed in as {options.Email} with the form: lyceum.session cookie of {session.Length} characters");

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = options.Chromium,
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
Console.WriteLine($"CIRCUITS_CHECK chromium={browser.Version}");

// Warm-up: the first circuits JIT the page, the grid and the hub; open and close a few so that the baseline has paid.
for (var i = 0; i < options.Warmup; i++)
{
    var warm = await StudentsTab.OpenAsync(browser, options, session, -1 - i);
    await warm.CloseAsync();
}

await Task.Delay(TimeSpan.FromSeconds(options.Settle));
var baseline = await app.SampleAsync("baseline");

var tabs = new StudentsTab[options.Contexts];
var clock = Stopwatch.StartNew();
using (var gate = new SemaphoreSlim(options.Parallel))
{
    await Task.WhenAll(Enumerable.Range(0, options.Contexts).Select(async i =>
    {
        await gate.WaitAsync();
        try
        {
            tabs[i] = await StudentsTab.OpenAsync(browser, options, session, i);
        }
        finally
        {
            gate.Release();
        }
    }));
}

var openSeconds = clock.Elapsed.TotalSeconds;
var times = tabs.Select(t => t.RowsAfter.TotalMilliseconds).Order().ToArray();
Console.WriteLine(FormattableString.Invariant(
    $"CIRCUITS_OPEN contexts={tabs.Length} seconds={openSeconds:F1} rows_min={tabs.Min(t => t.Rows)} rows_max={tabs.Max(t => t.Rows)} first_rows_p50_ms={Percentile(times, 50):F0} first_rows_p95_ms={Percentile(times, 95):F0} first_rows_max_ms={times[^1]:F0}"));
Log.Write($"{tabs.Length} contexts open in {openSeconds:F1} s, every grid with rows");

await Task.Delay(TimeSpan.FromSeconds(options.Settle));
var raw = await app.SampleAsync("open, before GC", forceGc: false);
var open = await app.SampleAsync("open");

// Each context also keeps the keep-alive HTTP/1.1 connections it loaded the page and its assets over (up to 6 per
// host in Chromium), idle beside the circuit's WebSocket. Kestrel closes idle ones after its KeepAliveTimeout
// (130 s by default); measured again then, the difference is the circuit's own.
Log.Write($"waiting {options.KeepAlive} s for Kestrel to close the idle keep-alive connections");
await Task.Delay(TimeSpan.FromSeconds(options.KeepAlive));
var circuitsOnly = await app.SampleAsync("open, idle HTTP connections closed");

// Still connected? No reconnect dialog in any tab, and the app's circuit gauge (when exported) counts them all.
var reconnecting = 0;
foreach (var tab in tabs)
{
    reconnecting += await tab.ReconnectingAsync() ? 1 : 0;
}

var errors = tabs.Sum(t => t.Errors.Count);
Console.WriteLine($"CIRCUITS_CHECK reconnecting={reconnecting} browser_errors={errors}");
foreach (var error in tabs.SelectMany(t => t.Errors).Distinct().Take(5))
{
    Console.WriteLine($"CIRCUITS_BROWSER_ERROR {error}");
}

// Close as a person closes a tab: leaving the page lets blazor.web.js tell the server (pagehide beacon), so the
// circuit ends at once instead of waiting out DisconnectedCircuitRetentionPeriod.
clock.Restart();
await Task.WhenAll(tabs.Select(t => t.CloseAsync()));
Log.Write($"contexts closed in {clock.Elapsed.TotalSeconds:F1} s");
await Task.Delay(TimeSpan.FromSeconds(5));
var closed = await app.SampleAsync("closed (+5 s)");
var gone = closed;
// The gauge appears with the first circuit, after the warm-up tabs: none at the baseline means none active.
if (closed.CircuitsActive is { } active && active > (baseline.CircuitsActive ?? 0))
{
    var before = baseline.CircuitsActive ?? 0;
    // Some circuits outlived their tab (disconnected, retained): wait for the retention period to drop them.
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed.TotalSeconds < options.GoneTimeout
           && (await app.SampleAsync("poll", forceGc: false, print: false)).CircuitsActive > before)
    {
        await Task.Delay(TimeSpan.FromSeconds(5));
    }

    gone = await app.SampleAsync($"gone (+{deadline.Elapsed.TotalSeconds + 5:F0} s)");
}

var n = (double)options.Contexts;
string PerCircuitKb(double? from, double? to) =>
    from is { } b && to is { } a ? ((a - b) / n / 1024).ToString("F1", CultureInfo.InvariantCulture) : "n/a";
void PerCircuit(string what, Sample from, Sample to, Sample? rawTo = null) =>
    Console.WriteLine(
        $"CIRCUITS_PER_CIRCUIT what=\"{what}\" contexts={options.Contexts} live_kb={PerCircuitKb(from.LiveBytes, to.LiveBytes)} total_memory_kb={PerCircuitKb(from.TotalMemoryBytes, to.TotalMemoryBytes)} rss_kb={PerCircuitKb(from.RssKb * 1024.0, to.RssKb * 1024.0)} rss_before_gc_kb={(rawTo is null ? "n/a" : PerCircuitKb(from.RssKb * 1024.0, rawTo.RssKb * 1024.0))} connections={to.Connections - from.Connections}");
PerCircuit("tab open (circuit and idle keep-alive connections)", baseline, open, raw);
PerCircuit("circuit (idle keep-alive connections closed)", baseline, circuitsOnly);
PerCircuit("left after closing", baseline, gone);
foreach (var (label, from, to) in new[] { ("tab open", baseline.Label, open.Label), ("circuit", baseline.Label, circuitsOnly.Label) })
{
    if (app.Reports.ContainsKey(from) && app.Reports.ContainsKey(to))
    {
        // Where the bytes go: the types that grew most from the baseline, per circuit (the dump's type table). Counts are
        // exact; bytes are rough (the report gives one object's size per type and size band, times the count).
        foreach (var (type, bytes, count) in app.Growth(from, to).Take(20))
        {
            Console.WriteLine(FormattableString.Invariant($"CIRCUITS_TYPE of=\"{label}\" count_per_circuit={count / n:F1} approx_bytes_per_circuit={bytes / n:F0} type={type}"));
        }
    }
}

return 0;

static double Percentile(double[] sorted, double p) =>
    sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
