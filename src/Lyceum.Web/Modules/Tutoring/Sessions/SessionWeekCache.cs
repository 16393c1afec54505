using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Lyceum.Modules.Tutoring.Sessions;

/// <summary>
/// What the calendar query answers: the sessions, and for a school-wide query (a coordinator's or the administrator's
/// centre week) the answer as cached: already serialised and compressed (<see cref="Body"/>), with a weak
/// <see cref="ETag"/> that stays the same until the school's calendar changes.
/// </summary>
public sealed record SessionWeek(IReadOnlyList<SessionView> Sessions, EncodedJson? Body = null, string? ETag = null);

/// <summary>
/// Every app node keeps the school-wide week answers it served, each under the school's <see cref="CalendarStamp"/>
/// as it was read before the sessions were: a request reads the stamp (one primary-key row) and gets the kept answer
/// while it is the same, so no node serves a week older than the last change it could see. One read per key at a time
/// (the others wait for it); an answer nobody asked for in <see cref="Idle"/> is dropped, and the answers kept take at
/// most <c>Lyceum:Tutoring:WeekCacheMegabytes</c> (default 128) per node, the least recently used going first.
/// </summary>
public sealed class SessionWeekCache(IOptions<JsonOptions> json, IConfiguration configuration) : IDisposable
{
    public static readonly TimeSpan Idle = TimeSpan.FromMinutes(2);

    private readonly Lock _gate = new();

    private readonly MemoryCache _cache = new(new MemoryCacheOptions
    {
        SizeLimit = Math.Max(1, configuration.GetValue("Lyceum:Tutoring:WeekCacheMegabytes", 128L)) * 1024 * 1024,
        CompactionPercentage = 0.25,
    });

    public void Dispose() => _cache.Dispose();

    public async Task<SessionWeek> GetAsync(
        string key, Guid stamp, Func<CancellationToken, Task<IReadOnlyList<SessionView>>> read, CancellationToken cancellationToken)
    {
        Entry? entry;
        lock (_gate)
        {
            if (!_cache.TryGetValue(key, out entry) || entry is null || entry.Stamp != stamp)
            {
                entry = new Entry(stamp, BuildAsync(key, stamp, read));
                // Counted at a placeholder size until built, then at its bytes.
                _cache.Set(key, entry, new MemoryCacheEntryOptions { SlidingExpiration = Idle, Size = 1024 });
            }
        }

        return await entry.Week.WaitAsync(cancellationToken);
    }

    private async Task<SessionWeek> BuildAsync(string key, Guid stamp, Func<CancellationToken, Task<IReadOnlyList<SessionView>>> read)
    {
        await Task.Yield();
        try
        {
            // Not the request's token: other requests wait for this read too.
            var sessions = await read(CancellationToken.None);
            var body = EncodedJson.From(JsonSerializer.SerializeToUtf8Bytes(sessions, json.Value.SerializerOptions));
            var week = new SessionWeek(sessions, body, ETagOf(key, stamp));
            lock (_gate)
            {
                if (_cache.TryGetValue(key, out Entry? kept) && kept?.Stamp == stamp)
                {
                    // The list of views costs about as much again as its JSON.
                    var size = 2L * body.Json.Length + body.Gzip.Length + body.Brotli.Length;
                    _cache.Set(key, kept with { Week = Task.FromResult(week) }, new MemoryCacheEntryOptions { SlidingExpiration = Idle, Size = size });
                }
            }

            return week;
        }
        catch
        {
            lock (_gate)
            {
                if (_cache.TryGetValue(key, out Entry? kept) && kept?.Stamp == stamp)
                {
                    _cache.Remove(key);
                }
            }

            throw;
        }
    }

    private static string ETagOf(string key, Guid stamp)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{key}|{stamp:N}"));
        return $"W/\"{Convert.ToHexStringLower(hash.AsSpan(0, 16))}\"";
    }

    private sealed record Entry(Guid Stamp, Task<SessionWeek> Week);
}
