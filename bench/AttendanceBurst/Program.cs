// Attendance burst: a day's lesson registers submitted through the attendance API by concurrent clients, each request
// with its own URL and body (one mark per student on the register), measured one by one.
//
// Usage (bench/attendance-burst.sh runs it; every command prints "BURST_…" key=value lines for the script and a
// readable report on standard output; progress on standard error):
//   prepare --base URL --token T --date yyyy-MM-dd --plan FILE [--schools 1,2,3] [--parallel 8]
//       lists the day's registers (GET /api/v1/attendance/registers?schoolId=&date=), reads each lesson register's
//       sheet (GET …/registers/lessons/{section}/{date}/{period}) for its students, and writes the plan: one
//       submission per lesson register, everyone present ("/"). Refuses a day with a register already taken.
//   burst --base URL --token T --plan FILE --expect created|unchanged (--workers N | --rate R [--max-in-flight M])
//       [--limit K] [--label L] [--csv FILE]
//       submits every register of the plan once (PUT …/registers/lessons/{section}/{date}/{period}): closed loop with
//       N workers (each sends its next register when the previous answer has arrived), or open loop at R requests/s
//       (latency counted from when each request was due, so a server falling behind shows, not hides). Every answer
//       must be 200 with the expected outcome ("created" the first time, "unchanged" for a retry).
//   race --base URL --token T --plan FILE --workers N [--label L] [--csv FILE]
//       every register submitted twice at the same moment (a client retrying while its first attempt is still in
//       flight): of each pair one must answer "created" and the other "unchanged".
//   health --base URL --workers N --seconds S
//       GET /health/live in a closed loop with this same client: the ceiling of the client and app together.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lyceum.Bench.AttendanceBurst;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: AttendanceBurst prepare|burst|race|health --base URL …  (see Program.cs)");
    return 2;
}

var options = Options.Parse(args.Skip(1));
try
{
    return args[0] switch
    {
        "prepare" => await Commands.PrepareAsync(options),
        "burst" => await Commands.BurstAsync(options),
        "race" => await Commands.RaceAsync(options),
        "health" => await Commands.HealthAsync(options),
        _ => throw new ArgumentException($"unknown command {args[0]}"),
    };
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or HttpRequestException)
{
    Console.Error.WriteLine($"AttendanceBurst: {ex.Message}");
    return 1;
}

namespace Lyceum.Bench.AttendanceBurst
{
    internal sealed class Options
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public static Options Parse(IEnumerable<string> args)
        {
            var options = new Options();
            string? key = null;
            foreach (var arg in args)
            {
                if (key is null)
                {
                    if (!arg.StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"expected an option, got '{arg}'");
                    }

                    key = arg[2..];
                }
                else
                {
                    options._values[key] = arg;
                    key = null;
                }
            }

            return key is null ? options : throw new ArgumentException($"--{key} needs a value");
        }

        public string? Get(string name) => _values.GetValueOrDefault(name);

        public string Required(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

        public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

        public Uri Base => new(Required("base").TrimEnd('/') + "/");
    }

    /// <summary>One submission of the plan: a lesson register and everyone on it.</summary>
    internal sealed record PlannedRegister(int SectionId, int PeriodId, int[] Students);

    internal sealed record Plan(string Date, List<PlannedRegister> Registers);

    /// <summary>What one request did: when it was due, sent and answered (ms since the run began), and how.</summary>
    internal record struct Sample(int Index, double DueMs, double StartMs, double EndMs, int Status, string Outcome)
    {
        public readonly double LatencyMs => EndMs - DueMs;
    }

    internal static class Commands
    {
        private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

        public static async Task<int> PrepareAsync(Options o)
        {
            var date = o.Required("date");
            using var http = Client(o, 16);
            var clock = Stopwatch.StartNew();
            var schools = o.Get("schools") is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => (int?)int.Parse(s, CultureInfo.InvariantCulture)).ToList() : [null];
            var due = new List<(int SectionId, int PeriodId, int Students, bool Taken)>();
            var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var school in schools)
            {
                var url = $"api/v1/attendance/registers?date={date}" + (school is { } id ? $"&schoolId={id}" : "");
                var overview = JsonNode.Parse(await GetOkAsync(http, url))!;
                var items = overview["items"]!.AsArray();
                Console.WriteLine($"GET /{url}: expected={overview["expected"]} taken={overview["taken"]} missing={overview["missing"]} items={items.Count}");
                foreach (var item in items)
                {
                    var kind = (string)item!["kind"]!;
                    kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
                    if (kind == "lesson")
                    {
                        due.Add(((int)item["sectionId"]!, (int)item["periodId"]!, (int)item["students"]!, (bool)item["taken"]!));
                    }
                }
            }

            var taken = due.Count(d => d.Taken);
            if (taken > 0)
            {
                throw new InvalidOperationException($"{taken} of the {due.Count} lesson registers of {date} are taken already: the day must be clear before a burst");
            }

            if (due.Count == 0)
            {
                throw new InvalidOperationException($"no lesson register is due on {date}");
            }

            Log($"{due.Count} lesson registers due on {date}; reading each sheet for its students");
            var registers = new PlannedRegister[due.Count];
            var mismatched = 0;
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, o.Int("parallel", 8)).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < due.Count)
                {
                    var d = due[i];
                    var sheet = JsonNode.Parse(await GetOkAsync(http, $"api/v1/attendance/registers/lessons/{d.SectionId}/{date}/{d.PeriodId}"))!;
                    if ((bool)sheet["taken"]!)
                    {
                        throw new InvalidOperationException($"register {d.SectionId}/{date}/{d.PeriodId} was taken while preparing");
                    }

                    var students = sheet["students"]!.AsArray().Select(s => (int)s!["studentId"]!).ToArray();
                    if (students.Length != d.Students)
                    {
                        Interlocked.Increment(ref mismatched);
                    }

                    registers[i] = new PlannedRegister(d.SectionId, d.PeriodId, students);
                }
            }));

            var plan = new Plan(date, [.. registers]);
            await File.WriteAllTextAsync(o.Required("plan"), JsonSerializer.Serialize(plan, Web));
            var sizes = registers.Select(r => r.Students.Length).ToList();
            var marks = sizes.Sum();
            Console.WriteLine($"registers due by kind: {string.Join(", ", kinds.Select(k => $"{k.Key} {k.Value}"))}");
            Console.WriteLine($"lesson registers: {registers.Length}; students per register: min {sizes.Min()}, mean {sizes.Average():F1}, max {sizes.Max()}; marks to submit: {marks}");
            Console.WriteLine($"registers whose sheet has another number of students than the list says: {mismatched}");
            Console.WriteLine(FormattableString.Invariant(
                $"BURST_PREPARE registers={registers.Length} marks={marks} students_min={sizes.Min()} students_mean={sizes.Average():F1} students_max={sizes.Max()} mismatched={mismatched} seconds={clock.Elapsed.TotalSeconds:F1}"));
            return 0;
        }

        public static async Task<int> BurstAsync(Options o)
        {
            var (plan, requests) = await LoadAsync(o);
            var expect = o.Required("expect");
            var label = o.Get("label") ?? "burst";
            var rate = o.Double("rate", 0);
            var workers = o.Int("workers", 0);
            if ((rate > 0) == (workers > 0))
            {
                throw new ArgumentException("give either --workers N (closed loop) or --rate R (open loop)");
            }

            var maxInFlight = rate > 0 ? o.Int("max-in-flight", 512) : workers;
            using var http = Client(o, maxInFlight);
            await ConnectAsync(http, Math.Min(maxInFlight, 128));
            var samples = new Sample[requests.Count];
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            if (workers > 0)
            {
                var next = -1;
                await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < requests.Count)
                    {
                        var due = clock.Elapsed.TotalMilliseconds;
                        samples[i] = await SendAsync(http, requests[i], i, due, clock);
                    }
                }));
            }
            else
            {
                using var gate = new SemaphoreSlim(maxInFlight);
                var tasks = new List<Task>(requests.Count);
                var interval = 1000.0 / rate;
                for (var i = 0; i < requests.Count; i++)
                {
                    var due = i * interval;
                    var wait = due - clock.Elapsed.TotalMilliseconds;
                    if (wait > 1)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(wait));
                    }

                    await gate.WaitAsync();
                    var index = i;
                    tasks.Add(Task.Run(async () =>
                    {
                        try
                        {
                            samples[index] = await SendAsync(http, requests[index], index, due, clock);
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }));
                }

                await Task.WhenAll(tasks);
            }

            var mode = workers > 0 ? $"closed loop, {workers} workers" : FormattableString.Invariant($"open loop, {rate:F0} requests/s due, at most {maxInFlight} in flight");
            Report(label, mode, plan, samples, s => s.Status == 200 && s.Outcome == expect, $"200 {expect}", Process.GetCurrentProcess().TotalProcessorTime - cpu);
            await WriteCsvAsync(o, samples);
            await WriteAckedAsync(o, samples.Where(s => s.Status == 200).Select(s => requests[s.Index].Slot));
            return 0;
        }

        public static async Task<int> RaceAsync(Options o)
        {
            var (plan, requests) = await LoadAsync(o);
            var label = o.Get("label") ?? "race";
            var workers = o.Int("workers", 32);
            using var http = Client(o, 2 * workers);
            await ConnectAsync(http, Math.Min(2 * workers, 128));
            var samples = new Sample[2 * requests.Count];
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests.Count)
                {
                    var due = clock.Elapsed.TotalMilliseconds;
                    var pair = await Task.WhenAll(
                        Task.Run(() => SendAsync(http, requests[i], 2 * i, due, clock)),
                        Task.Run(() => SendAsync(http, requests[i], 2 * i + 1, due, clock)));
                    samples[2 * i] = pair[0];
                    samples[2 * i + 1] = pair[1];
                }
            }));

            var pairs = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < requests.Count; i++)
            {
                var both = new[] { Describe(samples[2 * i]), Describe(samples[2 * i + 1]) }.Order(StringComparer.Ordinal);
                var key = string.Join(" + ", both);
                pairs[key] = pairs.GetValueOrDefault(key) + 1;
            }

            Report(label, $"each register twice at once, {workers} pairs in flight ({2 * workers} requests)", plan, samples, s => s.Status == 200 && s.Outcome is "created" or "unchanged", "200 created or unchanged",
                Process.GetCurrentProcess().TotalProcessorTime - cpu);
            Console.WriteLine($"pairs by outcome: {string.Join("; ", pairs.OrderByDescending(p => p.Value).Select(p => $"{p.Key}: {p.Value}"))}");
            var good = pairs.GetValueOrDefault("200 created + 200 unchanged");
            Console.WriteLine($"BURST_RACE pairs={requests.Count} created_unchanged={good} other={requests.Count - good}");
            await WriteCsvAsync(o, samples);
            await WriteAckedAsync(o, samples.Where(s => s.Status == 200).Select(s => requests[s.Index / 2].Slot));
            return 0;
        }

        public static async Task<int> HealthAsync(Options o)
        {
            var workers = o.Int("workers", 32);
            var seconds = o.Double("seconds", 10);
            using var http = Client(o, workers);
            http.DefaultRequestHeaders.Authorization = null; // as wrk: an anonymous probe, no token to validate
            await ConnectAsync(http, workers);
            var perWorker = new List<double>[workers];
            var failures = 0;
            var clock = Stopwatch.StartNew();
            var end = TimeSpan.FromSeconds(seconds);
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
            {
                var mine = perWorker[w] = new List<double>(100_000);
                while (clock.Elapsed < end)
                {
                    var start = clock.Elapsed.TotalMilliseconds;
                    using var response = await http.GetAsync(new Uri("health/live", UriKind.Relative), HttpCompletionOption.ResponseContentRead);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    mine.Add(clock.Elapsed.TotalMilliseconds - start);
                }
            }));
            var elapsed = clock.Elapsed.TotalSeconds;
            var all = perWorker.SelectMany(l => l).Order().ToArray();
            var line = FormattableString.Invariant(
                $"BURST_HEALTH workers={workers} requests={all.Length} seconds={elapsed:F2} rps={all.Length / elapsed:F0} p50_ms={Percentile(all, 50):F2} p95_ms={Percentile(all, 95):F2} p99_ms={Percentile(all, 99):F2} max_ms={all[^1]:F2} errors={failures}");
            Console.WriteLine($"GET /health/live, this client, closed loop with {workers} workers for {seconds:F0} s");
            Console.WriteLine(line);
            return 0;
        }

        private static async Task<(Plan Plan, List<(Uri Url, byte[] Body, string Slot)> Requests)> LoadAsync(Options o)
        {
            var plan = JsonSerializer.Deserialize<Plan>(await File.ReadAllTextAsync(o.Required("plan")), Web)
                ?? throw new InvalidOperationException("empty plan");
            var registers = plan.Registers.AsEnumerable();
            if (o.Int("limit", 0) is > 0 and var limit)
            {
                registers = registers.Take(limit);
            }

            // One body per register, made before the clock starts: the client's work during the run is sending and reading.
            var requests = registers
                .Select(r => (
                    new Uri($"api/v1/attendance/registers/lessons/{r.SectionId}/{plan.Date}/{r.PeriodId}", UriKind.Relative),
                    JsonSerializer.SerializeToUtf8Bytes(new { marks = r.Students.Select(s => new { studentId = s, code = "/" }) }, Web),
                    $"lesson:{r.SectionId}:{plan.Date}:{r.PeriodId}"))
                .ToList();
            return (plan, requests);
        }

        private static async Task<Sample> SendAsync(HttpClient http, (Uri Url, byte[] Body, string Slot) request, int index, double dueMs, Stopwatch clock)
        {
            var start = clock.Elapsed.TotalMilliseconds;
            try
            {
                using var content = new ByteArrayContent(request.Body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PutAsync(request.Url, content);
                var body = await response.Content.ReadAsByteArrayAsync();
                var end = clock.Elapsed.TotalMilliseconds;
                var outcome = "-";
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var json = JsonDocument.Parse(body);
                    outcome = json.RootElement.TryGetProperty("outcome", out var o) ? o.GetString() ?? "null" : "none";
                }
                else
                {
                    Problem(response.StatusCode, request.Url, body);
                }

                return new Sample(index, dueMs, start, end, (int)response.StatusCode, outcome);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                Problem(null, request.Url, Encoding.UTF8.GetBytes(ex.GetType().Name + ": " + ex.Message));
                return new Sample(index, dueMs, start, clock.Elapsed.TotalMilliseconds, 0, ex.GetType().Name);
            }
        }

        private static int _problems;

        /// <summary>The first few failures in full, on standard error (the script keeps it in the raw output).</summary>
        private static void Problem(HttpStatusCode? status, Uri url, byte[] body)
        {
            if (Interlocked.Increment(ref _problems) <= 5)
            {
                var text = Encoding.UTF8.GetString(body);
                Console.Error.WriteLine($"  {(status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "no answer")} PUT /{url}: {text[..Math.Min(text.Length, 400)]}");
            }
        }

        private static string Describe(Sample s) => $"{s.Status} {s.Outcome}";

        private static void Report(string label, string mode, Plan plan, Sample[] samples, Func<Sample, bool> ok, string okText, TimeSpan cpu)
        {
            var latencies = samples.Select(s => s.LatencyMs).Order().ToArray();
            var wall = samples.Max(s => s.EndMs) - samples.Min(s => s.StartMs);
            var statuses = samples.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "none" : g.Key.ToString(CultureInfo.InvariantCulture))}:{g.Count()}");
            var outcomes = samples.GroupBy(s => s.Outcome, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Select(g => $"{g.Key}:{g.Count()}");
            var unexpected = samples.Count(s => !ok(s));
            var service = samples.Select(s => s.EndMs - s.StartMs).Order().ToArray();
            Console.WriteLine($"{label}: {samples.Length} PUT of lesson registers on {plan.Date} ({mode})");
            Console.WriteLine(FormattableString.Invariant(
                $"  wall {wall / 1000:F2} s (first sent to last answered), {samples.Length / (wall / 1000):F0} requests/s, {samples.Length * 1000.0 / wall * plan.Registers.Average(r => r.Students.Length):F0} marks/s"));
            Console.WriteLine(FormattableString.Invariant(
                $"  latency ms: p50 {Percentile(latencies, 50):F1}, p90 {Percentile(latencies, 90):F1}, p95 {Percentile(latencies, 95):F1}, p99 {Percentile(latencies, 99):F1}, max {latencies[^1]:F1}, mean {latencies.Average():F1}"));
            if (mode.StartsWith("open", StringComparison.Ordinal))
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"  (from when each was due; from when it was sent: p50 {Percentile(service, 50):F1}, p95 {Percentile(service, 95):F1}, p99 {Percentile(service, 99):F1})"));
            }

            Console.WriteLine($"  status: {string.Join(" ", statuses)}; outcome: {string.Join(" ", outcomes)}; not {okText}: {unexpected}");
            Console.WriteLine("  per second of the run (by answer time): answers, p95 latency ms");
            foreach (var second in samples.GroupBy(s => (int)(s.EndMs / 1000)).OrderBy(g => g.Key))
            {
                var l = second.Select(s => s.LatencyMs).Order().ToArray();
                Console.WriteLine(FormattableString.Invariant($"    {second.Key,3}-{second.Key + 1,-3} s {l.Length,6} {Percentile(l, 95),8:F1}"));
            }

            Console.WriteLine(FormattableString.Invariant(
                $"BURST_RESULT label={label} requests={samples.Length} seconds={wall / 1000:F2} rps={samples.Length / (wall / 1000):F1} p50_ms={Percentile(latencies, 50):F1} p95_ms={Percentile(latencies, 95):F1} p99_ms={Percentile(latencies, 99):F1} max_ms={latencies[^1]:F1} status={string.Join(",", statuses)} outcome={string.Join(",", outcomes)} unexpected={unexpected} client_cpu_s={cpu.TotalSeconds:F2}"));
        }

        private static async Task WriteCsvAsync(Options o, Sample[] samples)
        {
            if (o.Get("csv") is not { } path)
            {
                return;
            }

            var csv = new StringBuilder("index,due_ms,start_ms,end_ms,latency_ms,status,outcome\n");
            foreach (var s in samples)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{s.Index},{s.DueMs:F3},{s.StartMs:F3},{s.EndMs:F3},{s.LatencyMs:F3},{s.Status},{s.Outcome}\n");
            }

            await File.WriteAllTextAsync(path, csv.ToString());
        }

        /// <summary>Appends the slot of every register answered 200 (taken or found taken) to --acked, for the script to count.</summary>
        private static async Task WriteAckedAsync(Options o, IEnumerable<string> slots)
        {
            if (o.Get("acked") is { } path)
            {
                await File.AppendAllLinesAsync(path, slots.Distinct(StringComparer.Ordinal));
            }
        }

        /// <summary>Nearest rank: the smallest value with at least p % of the values at or below it.</summary>
        private static double Percentile(double[] sorted, double p) =>
            sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

        private static HttpClient Client(Options o, int connections)
        {
            var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = connections,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
                UseCookies = false,
                UseProxy = false,
                AllowAutoRedirect = false,
            };
            var http = new HttpClient(handler) { BaseAddress = o.Base, Timeout = TimeSpan.FromSeconds(60) };
            if (o.Get("token") is { } token)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return http;
        }

        /// <summary>Opens the connections before the clock starts (N requests at once to /health/live), as clients already connected.</summary>
        private static Task ConnectAsync(HttpClient http, int connections) =>
            Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
            {
                using var response = await http.GetAsync(new Uri("health/live", UriKind.Relative));
                response.EnsureSuccessStatusCode();
            }));

        private static async Task<string> GetOkAsync(HttpClient http, string url)
        {
            using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK
                ? body
                : throw new InvalidOperationException($"GET /{url} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 400)]}");
        }

        private static void Log(string message) => Console.Error.WriteLine($"[burst {DateTime.UtcNow:HH:mm:ss}] {message}");
    }
}
