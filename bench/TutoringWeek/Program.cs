// Calendar-week load: GET requests over a list of paths (taken in turn), with or without a bearer token, measured one
// by one. Prints one "WEEK_RESULT key=value …" line for bench/tutoring-week.sh; progress on standard error.
//
// Usage:
//   TutoringWeek --base URL --paths FILE [--token T] (--rate R | --workers N) --seconds S [--warmup W]
//       [--label L] [--max-in-flight M] [--accept-encoding E]
//   --rate R     open loop: request i is due at start + i/R whatever the answers; its latency runs from when it was
//                due (so queueing in the client, the network or the server counts), and "service" from when it was
//                actually sent. Requests beyond M in flight wait for a slot, still timed from when they were due.
//   --workers N  closed loop: N workers, each sending its next request when answered (the box's capacity).
//   --warmup W   W seconds of the same load first, not counted.
//   --drain D    after the last request was due, wait at most D seconds (default 15) for the answers: requests still
//                unanswered then are cancelled and counted as "unfinished" (and as errors), their latency the time
//                they had waited — so when some are unfinished the percentiles are lower bounds.
//   --accept-encoding E  sent as Accept-Encoding (default "br, gzip", as a browser sends; "" sends none). The answer
//                is read as it comes, not decompressed: the clients are elsewhere, and bytes_per_request is on the wire.
// Every answer must be 200; others are counted as errors (the first few are printed). "rps" counts the 200 answers
// per second of the run (drain included); "requests" every request due, answered or not.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Need(string name) => options.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
var baseUri = new Uri(Need("base"));
var paths = File.ReadAllLines(Need("paths")).Where(l => l.Length > 0).ToArray();
if (paths.Length == 0)
{
    Console.Error.WriteLine("TutoringWeek: no paths");
    return 2;
}

var seconds = double.Parse(Need("seconds"), CultureInfo.InvariantCulture);
var warmup = options.TryGetValue("warmup", out var w) ? double.Parse(w, CultureInfo.InvariantCulture) : 0;
var label = options.GetValueOrDefault("label", "run");
var rate = options.TryGetValue("rate", out var r) ? double.Parse(r, CultureInfo.InvariantCulture) : 0;
var workers = options.TryGetValue("workers", out var n) ? int.Parse(n, CultureInfo.InvariantCulture) : 0;
var maxInFlight = options.TryGetValue("max-in-flight", out var m) ? int.Parse(m, CultureInfo.InvariantCulture) : 256;
var drain = options.TryGetValue("drain", out var d) ? double.Parse(d, CultureInfo.InvariantCulture) : 15;
if ((rate > 0) == (workers > 0))
{
    Console.Error.WriteLine("TutoringWeek: give either --rate or --workers");
    return 2;
}

using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = Math.Max(maxInFlight, workers),
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
};
using var client = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
if (options.TryGetValue("token", out var token) && token.Length > 0)
{
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
}

var acceptEncoding = options.GetValueOrDefault("accept-encoding", "br, gzip");
if (acceptEncoding.Length > 0)
{
    client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
}

if (warmup > 0)
{
    Console.Error.WriteLine($"[{label}] warm-up {warmup} s");
    await RunAsync(warmup);
}

Console.Error.WriteLine($"[{label}] measuring {seconds} s, {(rate > 0 ? $"open loop at {rate}/s" : $"{workers} workers, closed loop")}");
var result = await RunAsync(seconds);
var latencies = result.Latency.Order().ToArray();
var service = result.Service.Order().ToArray();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"WEEK_RESULT label={label} mode={(rate > 0 ? "open" : "closed")} target_rps={rate:0.#} workers={workers} requests={latencies.Length} "
    + $"seconds={result.Seconds:0.00} rps={(latencies.Length - result.Errors) / result.Seconds:0.0} p50_ms={P(latencies, 50):0.00} p95_ms={P(latencies, 95):0.00} "
    + $"p99_ms={P(latencies, 99):0.00} max_ms={(latencies.Length > 0 ? latencies[^1] : 0):0.00} service_p50_ms={P(service, 50):0.00} "
    + $"service_p95_ms={P(service, 95):0.00} service_p99_ms={P(service, 99):0.00} errors={result.Errors} "
    + $"unfinished={result.Unfinished} bytes_per_request={(latencies.Length - result.Errors > 0 ? result.Bytes / (latencies.Length - result.Errors) : 0)} max_in_flight={result.MaxInFlight} "
    + $"accept_encoding={(acceptEncoding.Length > 0 ? acceptEncoding.Replace(" ", "", StringComparison.Ordinal) : "none")} "
    + $"process_cpu_s={Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:0.00}"));
return 0;

async Task<Run> RunAsync(double duration)
{
    var run = new Run();
    var start = Stopwatch.GetTimestamp();
    var end = start + (long)(duration * Stopwatch.Frequency);
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(duration + drain));
    if (rate > 0)
    {
        using var slots = new SemaphoreSlim(maxInFlight);
        var pending = new List<Task>();
        for (long i = 0; ; i++)
        {
            var due = start + (long)(i * Stopwatch.Frequency / rate);
            if (due >= end)
            {
                break;
            }

            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            while (Stopwatch.GetTimestamp() < due)
            {
                Thread.SpinWait(20);
            }

            var path = paths[i % paths.Length];
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    await slots.WaitAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    Record(run, due, Stopwatch.GetTimestamp(), 0, false, unfinished: true);
                    return;
                }

                try
                {
                    await SendAsync(run, path, due, stop.Token);
                }
                finally
                {
                    slots.Release();
                }
            }));
        }

        await Task.WhenAll(pending);
    }
    else
    {
        long next = -1;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var path = paths[Interlocked.Increment(ref next) % paths.Length];
                await SendAsync(run, path, Stopwatch.GetTimestamp(), stop.Token);
            }
        })));
    }

    run.Seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    return run;
}

async Task SendAsync(Run run, string path, long due, CancellationToken cancellationToken)
{
    var inFlight = Interlocked.Increment(ref run.InFlight);
    InterlockedMax(ref run.MaxInFlight, inFlight);
    var sent = Stopwatch.GetTimestamp();
    long bytes = 0;
    var ok = false;
    var unfinished = false;
    try
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancellationToken);
        bytes = (await response.Content.ReadAsByteArrayAsync(cancellationToken)).LongLength;
        ok = response.StatusCode == HttpStatusCode.OK;
        if (!ok && Interlocked.Increment(ref run.Printed) <= 5)
        {
            Console.Error.WriteLine($"[{label}] {path}: {(int)response.StatusCode}");
        }
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        unfinished = true;
    }
    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
    {
        if (Interlocked.Increment(ref run.Printed) <= 5)
        {
            Console.Error.WriteLine($"[{label}] {path}: {ex.GetType().Name} {ex.Message}");
        }
    }

    Interlocked.Decrement(ref run.InFlight);
    Record(run, due, sent, bytes, ok, unfinished);
}

static void Record(Run run, long due, long sent, long bytes, bool ok, bool unfinished)
{
    var done = Stopwatch.GetTimestamp();
    lock (run)
    {
        run.Latency.Add(Stopwatch.GetElapsedTime(due, done).TotalMilliseconds);
        run.Service.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
        run.Bytes += bytes;
        run.Errors += ok ? 0 : 1;
        run.Unfinished += unfinished ? 1 : 0;
    }
}

static void InterlockedMax(ref long target, long value)
{
    var current = Interlocked.Read(ref target);
    while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
    {
        current = Interlocked.Read(ref target);
    }
}

static double P(double[] sorted, double percentile) =>
    sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

internal sealed class Run
{
    public List<double> Latency { get; } = [];

    public List<double> Service { get; } = [];

    public long Bytes;
    public long Errors;
    public long InFlight;
    public long MaxInFlight;
    public long Printed;
    public long Unfinished;
    public double Seconds;
}
