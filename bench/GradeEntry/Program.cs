// Grade entry: teachers saving a whole column of the grade grid (one assessment, every student of the class) through
// PUT /api/v1/sections/{id}/marks, each client on classes of its own so that no two clients ever touch the same cell,
// measured save by save.
//
// Usage (bench/grade-entry.sh runs it; every command prints "GRADE_…" key=value lines for the script and a readable
// report on standard output; progress and the first failures on standard error):
//   prepare --base URL --token T --sections 1,2,3 --plan FILE --date yyyy-MM-dd [--fresh K] [--max-students 30]
//       [--max-points 100] [--label L]
//       reads each section's gradebook (GET /api/v1/sections/{id}/gradebook) for its students (the first
//       --max-students of them), adds a category "Bench L" and an assessment "Bench L update" (the column the update
//       runs save again and again) and K more "Bench L first save i" (columns without a mark, one first save each),
//       and writes the plan.
//   run --base URL --token T --plan FILE --mode update|resend|insert --workers N [--seconds D] [--warmup S]
//       [--from I --count C] [--label L] [--csv FILE] [--last FILE] [--seed 1]
//       Section j of the plan belongs to worker j % N, so workers never share a cell. Each worker saves its columns
//       in turn, closed loop (the next save when the previous answer has arrived):
//       update  its sections' update columns, every cell with a new value (points 0..max, never the value it holds)
//               and the version from the previous answer (or from the gradebook read before the clock starts), for
//               S seconds of warm-up and then D measured seconds; every answer must be 200 with every cell changed.
//       resend  the same columns with the values and versions they hold (a client retrying a save that went
//               through): every answer must be 200 with nothing changed.
//       insert  the plan's first-save columns I..I+C-1 (taken across the sections in turn), each saved once with no
//               versions (no mark yet); every answer must be 200 with every cell changed.
//       A save answered otherwise is counted, its column read again through the API, and the loop goes on. --last
//       writes what every column the run touched holds now, as the client believes it (assessment, student, points),
//       for the script to compare with the database.
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lyceum.Bench.GradeEntry;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: GradeEntry prepare|run --base URL …  (see Program.cs)");
    return 2;
}

var options = Options.Parse(args.Skip(1));
try
{
    return args[0] switch
    {
        "prepare" => await Commands.PrepareAsync(options),
        "run" => await Commands.RunAsync(options),
        _ => throw new ArgumentException($"unknown command {args[0]}"),
    };
}
catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or HttpRequestException)
{
    Console.Error.WriteLine($"GradeEntry: {ex.Message}");
    return 1;
}

namespace Lyceum.Bench.GradeEntry
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

    /// <summary>A class of the plan: its students (the cells of a column), its update column and its first-save columns.</summary>
    internal sealed record PlannedSection(int SectionId, string Name, int[] Students, int CategoryId, int UpdateColumn, int[] FreshColumns);

    internal sealed record Plan(string Label, string Date, decimal MaxPoints, List<PlannedSection> Sections);

    /// <summary>One column as the client believes it stands: per student (in the plan's order) the points and the version.</summary>
    internal sealed class Column(PlannedSection section, int assessmentId)
    {
        public PlannedSection Section { get; } = section;

        public int AssessmentId { get; } = assessmentId;

        public decimal?[] Points { get; } = new decimal?[section.Students.Length];

        public Guid?[] Versions { get; } = new Guid?[section.Students.Length];

        public bool Touched { get; set; }
    }

    /// <summary>One save: when it was sent and answered (ms since the clock started), how, and whether it counts.</summary>
    internal readonly record struct Sample(int Worker, int SectionId, int AssessmentId, double StartMs, double EndMs, int Status, int Changed, int Expected, int Cells, bool Measured)
    {
        public double LatencyMs => EndMs - StartMs;

        public bool AsExpected => Status == 200 && Changed == Expected;
    }

    internal static class Commands
    {
        private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

        public static async Task<int> PrepareAsync(Options o)
        {
            var sectionIds = o.Required("sections").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var date = o.Required("date");
            var fresh = o.Int("fresh", 8);
            var maxStudents = o.Int("max-students", 30);
            var maxPoints = (decimal)o.Double("max-points", 100);
            var label = o.Get("label") ?? DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            using var http = Client(o, 8);
            var clock = Stopwatch.StartNew();
            var planned = new PlannedSection[sectionIds.Length];
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, Math.Min(4, sectionIds.Length)).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < sectionIds.Length)
                {
                    var id = sectionIds[i];
                    var view = JsonNode.Parse(await GetOkAsync(http, $"api/v1/sections/{id}/gradebook"))!;
                    if (!(bool)view["canEdit"]!)
                    {
                        throw new InvalidOperationException($"the caller may not edit the gradebook of section {id}");
                    }

                    var students = view["students"]!.AsArray().Select(s => (int)s!["id"]!).Take(maxStudents).ToArray();
                    var name = $"{(string?)view["section"]?["course"]} {(string?)view["section"]?["name"]}";
                    var category = await PostOkAsync(http, $"api/v1/sections/{id}/grade-categories", new { name = $"Bench {label}", weight = 100, dropLowest = 0 });
                    var columns = new int[fresh + 1];
                    for (var c = 0; c <= fresh; c++)
                    {
                        var title = c == 0 ? $"Bench {label} update" : $"Bench {label} first save {c}";
                        columns[c] = await PostOkAsync(http, $"api/v1/sections/{id}/assessments", new { title, date, maxPoints, categoryId = category, counts = true });
                    }

                    planned[i] = new PlannedSection(id, name, students, category, columns[0], columns[1..]);
                }
            }));

            var plan = new Plan(label, date, maxPoints, [.. planned]);
            await File.WriteAllTextAsync(o.Required("plan"), JsonSerializer.Serialize(plan, Web));
            var sizes = planned.Select(p => p.Students.Length).ToArray();
            Console.WriteLine($"{planned.Length} sections, each with a category, an update column and {fresh} first-save columns (max points {maxPoints}, date {date}), made through the API in {clock.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine($"students per column: min {sizes.Min()}, mean {sizes.Average():F1}, max {sizes.Max()}");
            Console.WriteLine(FormattableString.Invariant(
                $"GRADE_PREPARE sections={planned.Length} students_min={sizes.Min()} students_mean={sizes.Average():F1} students_max={sizes.Max()} fresh={fresh} seconds={clock.Elapsed.TotalSeconds:F1}"));
            return 0;
        }

        public static async Task<int> RunAsync(Options o)
        {
            var plan = JsonSerializer.Deserialize<Plan>(await File.ReadAllTextAsync(o.Required("plan")), Web) ?? throw new InvalidOperationException("empty plan");
            var mode = o.Required("mode");
            var workers = o.Int("workers", 1);
            var label = o.Get("label") ?? mode;
            var seed = o.Int("seed", 1);
            if (workers < 1 || workers > plan.Sections.Count)
            {
                throw new ArgumentException($"--workers must be 1..{plan.Sections.Count} (one section at least per worker)");
            }

            // Each worker's columns: the sections j with j % workers == w.
            var queues = Enumerable.Range(0, workers).Select(_ => new List<Column>()).ToArray();
            var measuredFrom = 0.0;
            var until = double.PositiveInfinity;
            var loop = mode is "update" or "resend";
            if (loop)
            {
                for (var j = 0; j < plan.Sections.Count; j++)
                {
                    queues[j % workers].Add(new Column(plan.Sections[j], plan.Sections[j].UpdateColumn));
                }

                measuredFrom = o.Double("warmup", 5) * 1000;
                until = measuredFrom + o.Double("seconds", 20) * 1000;
            }
            else if (mode == "insert")
            {
                var from = o.Int("from", 0);
                var count = o.Int("count", 0);
                var fresh = plan.Sections.Min(s => s.FreshColumns.Length);
                var all = Enumerable.Range(0, fresh).SelectMany(c => plan.Sections.Select((s, j) => (Index: j, Column: new Column(s, s.FreshColumns[c])))).ToList();
                if (count < 1 || from < 0 || from + count > all.Count)
                {
                    throw new ArgumentException($"--from and --count must pick within the plan's {all.Count} first-save columns");
                }

                foreach (var (index, column) in all.Skip(from).Take(count))
                {
                    queues[index % workers].Add(column);
                }
            }
            else
            {
                throw new ArgumentException("--mode must be update, resend or insert");
            }

            using var http = Client(o, workers);
            await ConnectAsync(http, workers);
            // What the columns hold now, read as the grid's page does before a teacher types (not timed).
            var columns = queues.SelectMany(q => q).ToList();
            await Task.WhenAll(columns.Chunk(Math.Max(1, columns.Count / 8 + 1)).Select(async chunk =>
            {
                foreach (var column in chunk)
                {
                    await ReadAsync(http, column);
                    if (mode == "insert" && column.Versions.Any(v => v is not null))
                    {
                        throw new InvalidOperationException($"first-save column {column.AssessmentId} already has marks");
                    }
                }
            }));

            var perWorker = new List<Sample>[workers];
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
            {
                var mine = perWorker[w] = new List<Sample>(4096);
                var random = new Random(seed * 1000 + w);
                var queue = queues[w];
                for (var n = 0; loop ? clock.Elapsed.TotalMilliseconds < until : n < queue.Count; n++)
                {
                    var column = queue[n % queue.Count];
                    mine.Add(await SaveAsync(http, w, column, mode, plan.MaxPoints, random, clock, measuredFrom));
                }
            })));
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var windowMs = clock.Elapsed.TotalMilliseconds;

            var samples = perWorker.SelectMany(l => l).OrderBy(s => s.StartMs).ToArray();
            Report(label, mode, workers, loop ? o.Double("warmup", 5) : 0, samples, cpuUsed, windowMs);
            await WriteCsvAsync(o, samples);
            if (o.Get("last") is { } last)
            {
                var lines = new StringBuilder();
                foreach (var column in columns.Where(c => c.Touched))
                {
                    for (var i = 0; i < column.Section.Students.Length; i++)
                    {
                        lines.Append(CultureInfo.InvariantCulture, $"{column.AssessmentId}\t{column.Section.Students[i]}\t{(column.Points[i] is { } p ? p.ToString(CultureInfo.InvariantCulture) : "\\N")}\n");
                    }
                }

                await File.WriteAllTextAsync(last, lines.ToString());
            }

            return 0;
        }

        /// <summary>One save of a whole column; the answer's versions (and values) become the column's state.</summary>
        private static async Task<Sample> SaveAsync(HttpClient http, int worker, Column column, string mode, decimal maxPoints, Random random, Stopwatch clock, double measuredFrom)
        {
            var students = column.Section.Students;
            var points = new decimal?[students.Length];
            for (var i = 0; i < students.Length; i++)
            {
                if (mode == "resend")
                {
                    points[i] = column.Points[i];
                }
                else
                {
                    // A new whole number of points, never the one the cell holds: every cell is a change.
                    decimal value;
                    do
                    {
                        value = random.Next(0, (int)maxPoints + 1);
                    }
                    while (value == column.Points[i]);
                    points[i] = value;
                }
            }

            var body = Body(column, points);
            var expected = mode == "resend" ? 0 : students.Length;
            column.Touched = true;
            var start = clock.Elapsed.TotalMilliseconds;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PutAsync(new Uri($"api/v1/sections/{column.Section.SectionId}/marks", UriKind.Relative), content);
                var answer = await response.Content.ReadAsByteArrayAsync();
                var end = clock.Elapsed.TotalMilliseconds;
                var changed = -1;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    changed = Apply(column, answer);
                }
                else
                {
                    Problem(response.StatusCode, column, answer);
                    await ReadAsync(http, column);
                }

                return new Sample(worker, column.Section.SectionId, column.AssessmentId, start, end, (int)response.StatusCode, changed, expected, students.Length, start >= measuredFrom);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                var end = clock.Elapsed.TotalMilliseconds;
                Problem(null, column, Encoding.UTF8.GetBytes(ex.GetType().Name + ": " + ex.Message));
                await ReadAsync(http, column);
                return new Sample(worker, column.Section.SectionId, column.AssessmentId, start, end, 0, -1, expected, students.Length, start >= measuredFrom);
            }
        }

        private static byte[] Body(Column column, decimal?[] points)
        {
            var buffer = new ArrayBufferWriter<byte>(4096);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteStartArray("marks");
                for (var i = 0; i < points.Length; i++)
                {
                    json.WriteStartObject();
                    json.WriteNumber("assessmentId", column.AssessmentId);
                    json.WriteNumber("studentId", column.Section.Students[i]);
                    if (points[i] is { } p)
                    {
                        json.WriteNumber("points", p);
                    }
                    else
                    {
                        json.WriteNull("points");
                    }

                    if (column.Versions[i] is { } v)
                    {
                        json.WriteString("version", v);
                    }
                    else
                    {
                        json.WriteNull("version");
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }

        /// <summary>Takes the answer's cells (points and versions) as the column's state; returns "changed".</summary>
        private static int Apply(Column column, byte[] answer)
        {
            using var json = JsonDocument.Parse(answer);
            var index = IndexOf(column);
            foreach (var mark in json.RootElement.GetProperty("marks").EnumerateArray())
            {
                if (mark.GetProperty("assessmentId").GetInt32() != column.AssessmentId || !index.TryGetValue(mark.GetProperty("studentId").GetInt32(), out var i))
                {
                    continue;
                }

                column.Points[i] = mark.GetProperty("points") is { ValueKind: JsonValueKind.Number } p ? p.GetDecimal() : null;
                column.Versions[i] = mark.GetProperty("version") is { ValueKind: JsonValueKind.String } v ? v.GetGuid() : null;
            }

            return json.RootElement.GetProperty("changed").GetInt32();
        }

        /// <summary>The column as stored, through the gradebook's API (what the grid's page reads).</summary>
        private static async Task ReadAsync(HttpClient http, Column column)
        {
            var view = JsonNode.Parse(await GetOkAsync(http, $"api/v1/sections/{column.Section.SectionId}/gradebook"))!;
            var index = IndexOf(column);
            Array.Clear(column.Points);
            Array.Clear(column.Versions);
            foreach (var student in view["students"]!.AsArray())
            {
                if (!index.TryGetValue((int)student!["id"]!, out var i))
                {
                    continue;
                }

                foreach (var mark in student["marks"]!.AsArray())
                {
                    if ((int)mark!["assessmentId"]! == column.AssessmentId)
                    {
                        column.Points[i] = (decimal?)mark["points"];
                        column.Versions[i] = Guid.Parse((string)mark["version"]!);
                    }
                }
            }
        }

        private static Dictionary<int, int> IndexOf(Column column) =>
            column.Section.Students.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i);

        private static int _problems;

        /// <summary>The first few failures in full, on standard error (the script keeps it in the raw output).</summary>
        private static void Problem(HttpStatusCode? status, Column column, byte[] body)
        {
            if (Interlocked.Increment(ref _problems) <= 5)
            {
                var text = Encoding.UTF8.GetString(body);
                Console.Error.WriteLine($"  {(status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "no answer")} PUT /api/v1/sections/{column.Section.SectionId}/marks (assessment {column.AssessmentId}): {text[..Math.Min(text.Length, 400)]}");
            }
        }

        private static void Report(string label, string mode, int workers, double warmupSeconds, Sample[] all, TimeSpan cpu, double windowMs)
        {
            var samples = all.Where(s => s.Measured).ToArray();
            if (samples.Length == 0)
            {
                throw new InvalidOperationException("no save was measured");
            }

            var latencies = samples.Select(s => s.LatencyMs).Order().ToArray();
            var first = samples.Min(s => s.StartMs);
            var wall = samples.Max(s => s.EndMs) - first;
            var statuses = samples.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "none" : g.Key.ToString(CultureInfo.InvariantCulture))}:{g.Count()}");
            var unexpected = samples.Count(s => !s.AsExpected);
            var changed = all.Where(s => s.Changed > 0).Sum(s => s.Changed);
            var cells = samples.Average(s => s.Cells);
            var what = mode switch
            {
                "update" => "every cell a new value",
                "resend" => "the values the cells hold (nothing changes)",
                _ => "first save of each column (no mark yet)",
            };
            Console.WriteLine($"{label}: PUT /api/v1/sections/{{id}}/marks, {workers} worker(s), closed loop, {what}");
            Console.WriteLine(FormattableString.Invariant(
                $"  {samples.Length} saves measured ({all.Length - samples.Length} in {warmupSeconds:F0} s of warm-up before), {cells:F1} cells each; wall {wall / 1000:F2} s, {samples.Length / (wall / 1000):F1} saves/s, {samples.Length * cells / (wall / 1000):F0} cells/s"));
            Console.WriteLine(FormattableString.Invariant(
                $"  latency ms: p50 {Percentile(latencies, 50):F1}, p90 {Percentile(latencies, 90):F1}, p95 {Percentile(latencies, 95):F1}, p99 {Percentile(latencies, 99):F1}, max {latencies[^1]:F1}, mean {latencies.Average():F1}"));
            Console.WriteLine($"  status: {string.Join(" ", statuses)}; not 200 with {(mode == "resend" ? "0" : "every cell")} changed: {unexpected}; cells changed in all (warm-up included): {changed}");
            Console.WriteLine("  per second of the measured run (by answer time): saves, p95 latency ms");
            foreach (var second in samples.GroupBy(s => (int)((s.EndMs - first) / 1000)).OrderBy(g => g.Key))
            {
                var l = second.Select(s => s.LatencyMs).Order().ToArray();
                Console.WriteLine(FormattableString.Invariant($"    {second.Key,3}-{second.Key + 1,-3} s {l.Length,6} {Percentile(l, 95),8:F1}"));
            }

            Console.WriteLine(FormattableString.Invariant(
                $"GRADE_RESULT label={label} mode={mode} workers={workers} saves={samples.Length} warmup_saves={all.Length - samples.Length} cells_mean={cells:F1} seconds={wall / 1000:F2} rps={samples.Length / (wall / 1000):F1} p50_ms={Percentile(latencies, 50):F1} p95_ms={Percentile(latencies, 95):F1} p99_ms={Percentile(latencies, 99):F1} max_ms={latencies[^1]:F1} mean_ms={latencies.Average():F1} status={string.Join(",", statuses)} unexpected={unexpected} unexpected_all={all.Count(s => !s.AsExpected)} changed={changed} client_cpu_s={cpu.TotalSeconds:F2} process_cpu_s={Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F2} window_s={windowMs / 1000:F2}"));
        }

        private static async Task WriteCsvAsync(Options o, Sample[] samples)
        {
            if (o.Get("csv") is not { } path)
            {
                return;
            }

            var csv = new StringBuilder("worker,section,assessment,start_ms,end_ms,latency_ms,status,changed,expected,cells,measured\n");
            foreach (var s in samples)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{s.Worker},{s.SectionId},{s.AssessmentId},{s.StartMs:F3},{s.EndMs:F3},{s.LatencyMs:F3},{s.Status},{s.Changed},{s.Expected},{s.Cells},{(s.Measured ? 1 : 0)}\n");
            }

            await File.WriteAllTextAsync(path, csv.ToString());
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
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", o.Required("token"));
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

        /// <summary>POSTs a create and returns the new row's id (201 expected).</summary>
        private static async Task<int> PostOkAsync(HttpClient http, string url, object request)
        {
            using var response = await http.PostAsJsonAsync(new Uri(url, UriKind.Relative), request, Web);
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.Created
                ? (int)JsonNode.Parse(body)!["id"]!
                : throw new InvalidOperationException($"POST /{url} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 400)]}");
        }
    }
}
