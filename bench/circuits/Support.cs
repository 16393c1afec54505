using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Lyceum.Bench.Circuits;

internal sealed record Options(
    Uri Base, int Pid, string Email, string Password, int Contexts, int Parallel, int Warmup, int Settle,
    string? GcDump, string Out, int KeepAlive, int GoneTimeout, string Chromium)
{
    public static Options Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string key, string? fallback = null) =>
            map.TryGetValue(key, out var value) ? value : fallback ?? throw new ArgumentException($"--{key} is required");
        int Int(string key, int fallback) => int.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        return new Options(
            new Uri(Get("base").TrimEnd('/') + "/"), Int("pid", 0), Get("email"), Get("password"), Int("contexts", 100),
            Int("parallel", 4), Int("warmup", 3), Int("settle", 15), map.GetValueOrDefault("gcdump"),
            Get("out", Path.GetTempPath()), Int("keep-alive", 135), Int("gone-timeout", 240), Get("chromium", "/usr/bin/chromium"));
    }
}

internal static class Log
{
    public static void Write(string message) =>
        Console.Error.WriteLine($"[circuits {DateTime.UtcNow:HH:mm:ss}] {message}");
}

/// <summary>The sign-in form, as a browser posts it: antiforgery token and cookie from the GET, then the POST.</summary>
internal static partial class SignIn
{
    public static async Task<string> CookieAsync(Options options)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = options.Base };
        var form = await http.GetStringAsync(new Uri("sign-in", UriKind.Relative));
        var token = TokenField().Match(form);
        if (!token.Success)
        {
            throw new InvalidOperationException("GET /sign-in: no __RequestVerificationToken in the form");
        }

        using var post = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.Email"] = options.Email,
            ["Input.Password"] = options.Password,
            ["ReturnUrl"] = "/",
        });
        using var response = await http.PostAsync(new Uri("sign-in", UriKind.Relative), post);
        var session = cookies.GetCookies(options.Base)["lyceum.session"]?.Value;
        if (response.StatusCode != HttpStatusCode.Redirect || string.IsNullOrEmpty(session))
        {
            throw new InvalidOperationException($"POST /sign-in answered {(int)response.StatusCode} without a lyceum.session cookie");
        }

        return session;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}

/// <summary>One browser context with the students page open on its own circuit.</summary>
internal sealed class StudentsTab
{
    private readonly IBrowserContext _context;
    private readonly IPage _page;

    private StudentsTab(IBrowserContext context, IPage page)
    {
        _context = context;
        _page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => Errors.Add(error);
    }

    public List<string> Errors { get; } = [];

    public int Rows { get; private set; }

    /// <summary>From the navigation's start to the first grid row on screen.</summary>
    public TimeSpan RowsAfter { get; private set; }

    public static async Task<StudentsTab> OpenAsync(IBrowser browser, Options options, string session, int index)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = options.Base.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-GB",
        });
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "lyceum.session", Value = session, Url = options.Base.ToString() }]);
        var tab = new StudentsTab(context, await context.NewPageAsync());
        var clock = Stopwatch.StartNew();
        var response = await tab._page.GotoAsync("students");
        var path = new Uri(tab._page.Url).AbsolutePath;
        if (response?.Status != 200 || path != "/students")
        {
            throw new InvalidOperationException($"context {index}: GET /students answered {response?.Status} at {path}");
        }

        var rows = tab._page.Locator(".ly-row-link");
        await rows.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        tab.RowsAfter = clock.Elapsed;
        tab.Rows = await rows.CountAsync();
        return tab;
    }

    /// <summary>Whether Blazor shows its reconnect dialog, i.e. the circuit's connection was lost.</summary>
    public Task<bool> ReconnectingAsync() =>
        _page.EvaluateAsync<bool>("() => { const m = document.getElementById('components-reconnect-modal'); return !!m && (m.open === true || getComputedStyle(m).display !== 'none'); }");

    public async Task CloseAsync()
    {
        await _page.GotoAsync("about:blank");
        await _context.CloseAsync();
    }
}

internal sealed record Sample(string Label, long RssKb, int Connections, long? LiveBytes, double HeapBytes, double TotalMemoryBytes, double WorkingSetBytes, double? CircuitsActive, double? CircuitsConnected);

/// <summary>The app's memory: VmRSS from /proc, the GC's view from the app's Prometheus endpoint.</summary>
internal sealed partial class AppProcess(Options options)
{
    private readonly HttpClient _http = new() { BaseAddress = options.Base, Timeout = TimeSpan.FromSeconds(30) };
    private int _dumps;

    public async Task<Sample> SampleAsync(string label, bool forceGc = true, bool print = true)
    {
        if (forceGc)
        {
            await FullGcAsync(label);
        }

        var status = await File.ReadAllTextAsync($"/proc/{options.Pid}/status");
        var rss = long.Parse(VmRss().Match(status).Groups[1].Value, CultureInfo.InvariantCulture);
        var metrics = Prometheus(await _http.GetStringAsync(new Uri("metrics", UriKind.Relative)));
        double Sum(string name) => metrics.Where(m => m.Name == name).Sum(m => m.Value);
        double? Find(string suffix) =>
            metrics.Any(m => m.Name.EndsWith(suffix, StringComparison.Ordinal))
                ? metrics.Where(m => m.Name.EndsWith(suffix, StringComparison.Ordinal)).Sum(m => m.Value) : null;

        var sample = new Sample(label, rss, await EstablishedAsync(), forceGc ? LiveBytes(label) : null,
            // Heap size after the last GC, summed over generations (gen0, gen1, gen2, LOH, POH).
            Sum("system_runtime_dotnet_gc_last_collection_heap_size"),
            Sum("dotnet_total_memory_bytes"), Sum("process_working_set_bytes"),
            Find("circuit_active"), Find("circuit_connected"));
        if (print)
        {
            Console.WriteLine(FormattableString.Invariant(
                $"CIRCUITS_SAMPLE label=\"{label}\" gc={(forceGc ? "forced" : "none")} rss_kb={sample.RssKb} connections={sample.Connections} live_bytes={sample.LiveBytes?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} heap_after_gc_bytes={sample.HeapBytes:F0} total_memory_bytes={sample.TotalMemoryBytes:F0} working_set_bytes={sample.WorkingSetBytes:F0} circuits_active={sample.CircuitsActive?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} circuits_connected={sample.CircuitsConnected?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}"));
        }

        return sample;
    }

    /// <summary>dotnet-gcdump collect makes the runtime do a full blocking GC before it walks the heap.</summary>
    private async Task FullGcAsync(string label)
    {
        if (options.GcDump is null)
        {
            Log.Write("no --gcdump: sampling without forcing a GC");
            return;
        }

        var dump = Path.Combine(options.Out, $"circuits-{++_dumps}-{Slug().Replace(label, "-").Trim('-')}.gcdump");
        await RunAsync(options.GcDump, ["collect", "-p", options.Pid.ToString(CultureInfo.InvariantCulture), "-o", dump]);
        var report = await RunAsync(options.GcDump, ["report", dump]);
        await File.WriteAllTextAsync(Path.ChangeExtension(dump, ".txt"), report);
        File.Delete(dump);
        Reports[label] = report;
    }

    /// <summary>dotnet-gcdump's report of each forced sample, by label: the live heap by type.</summary>
    public Dictionary<string, string> Reports { get; } = new(StringComparer.Ordinal);

    /// <summary>"GC Heap bytes" of a report: the size of the live objects the dump walked.</summary>
    public long? LiveBytes(string label) =>
        Reports.TryGetValue(label, out var report) && HeapBytesLine().Match(report) is { Success: true } m ? Number(m.Groups[1].Value) : null;

    /// <summary>The types whose live bytes grew most from one report to another: (type, bytes, count).</summary>
    public IEnumerable<(string Type, long Bytes, long Count)> Growth(string from, string to)
    {
        static Dictionary<string, (long Bytes, long Count)> Parse(string report)
        {
            var types = new Dictionary<string, (long Bytes, long Count)>(StringComparer.Ordinal);
            foreach (Match m in TypeLine().Matches(report))
            {
                var type = m.Groups[3].Value.Trim();
                var seen = types.GetValueOrDefault(type);
                // The first column is the size of one object of the type (per size band), the second their count.
                types[type] = (seen.Bytes + Number(m.Groups[1].Value) * Number(m.Groups[2].Value), seen.Count + Number(m.Groups[2].Value));
            }

            return types;
        }

        var before = Parse(Reports[from]);
        return Parse(Reports[to])
            .Select(t => (t.Key, t.Value.Bytes - before.GetValueOrDefault(t.Key).Bytes, t.Value.Count - before.GetValueOrDefault(t.Key).Count))
            .OrderByDescending(t => t.Item2);
    }

    private static long Number(string digits) =>
        long.Parse(digits.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static async Task<string> RunAsync(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}");
        }

        return await output;
    }

    /// <summary>Established TCP connections to the app's port (its side), from /proc/net/tcp.</summary>
    private async Task<int> EstablishedAsync()
    {
        var port = options.Base.Port.ToString("X4", CultureInfo.InvariantCulture);
        var count = 0;
        foreach (var line in (await File.ReadAllLinesAsync("/proc/net/tcp")).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 3 && fields[1].EndsWith(":" + port, StringComparison.Ordinal) && fields[3] == "01")
            {
                count++;
            }
        }

        return count;
    }

    private static List<(string Name, double Value)> Prometheus(string text)
    {
        var list = new List<(string, double)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var name = line[..(brace is > 0 ? brace : space)];
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                list.Add((name, value));
            }
        }

        return list;
    }

    [GeneratedRegex(@"^\s*([\d,]+)\s+GC Heap bytes", RegexOptions.Multiline)]
    private static partial Regex HeapBytesLine();

    [GeneratedRegex(@"^\s*([\d,]+)\s+([\d,]+)\s+(\S.*?)\s*$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"VmRSS:\s+(\d+) kB")]
    private static partial Regex VmRss();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex Slug();
}
