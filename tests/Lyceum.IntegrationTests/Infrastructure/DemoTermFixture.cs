using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

namespace Lyceum.IntegrationTests.Infrastructure;

/// <summary>
/// One app per provider whose demo school (60 students) was made as if today were <see cref="Today"/>, twelve weeks
/// into the autumn term: the demo's term-to-date attendance and behaviour, tested without depending on the day the
/// suite runs (on the first days of a term there is little of either) or on what other tests add to the shared demo.
/// Its clock runs on from that morning, so timers and delays behave as usual, and access tokens are checked on it. A
/// fixture of the "app" collection, shared by the attendance, behaviour and gradebook demo tests.
/// </summary>
public sealed class DemoTermFixture : IAsyncLifetime
{
    /// <summary>A Wednesday; the demo's registers and incidents run from the term's start to the day before.</summary>
    public static readonly DateOnly Today = new(2026, 11, 25);

    private readonly Dictionary<DatabaseProvider, Task<LyceumApp>> _apps = [];
    private readonly Lock _gate = new();

    public Task<LyceumApp> App(DatabaseProvider provider)
    {
        lock (_gate)
        {
            if (!_apps.TryGetValue(provider, out var app))
            {
                _apps[provider] = app = StartAsync(provider);
            }

            return app;
        }
    }

    private static async Task<LyceumApp> StartAsync(DatabaseProvider provider)
    {
        var clock = new ShiftedClock(new DateTimeOffset(Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero));
        return await (await LyceumApp.CreateAsync(provider, services: s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            // Tokens are issued on this clock, but IdentityModel checks their lifetime on the real one, by which they
            // expired long ago: check them on this clock too, so the API can be called as the demo's accounts.
            s.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.TokenValidationParameters.LifetimeValidator =
                (notBefore, expires, _, parameters) =>
                {
                    var now = clock.GetUtcNow().UtcDateTime;
                    return (notBefore is null || notBefore <= now + parameters.ClockSkew) && (expires is null || expires >= now - parameters.ClockSkew);
                });
        })).StartAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            await (await app).DisposeAsync();
        }
    }

    private sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
    {
        private readonly TimeSpan _shift = start - System.GetUtcNow();

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _shift;
    }
}
