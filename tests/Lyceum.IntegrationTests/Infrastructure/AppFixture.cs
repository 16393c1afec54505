using Lyceum.Platform.Data;

namespace Lyceum.IntegrationTests.Infrastructure;

/// <summary>
/// One started app per provider, shared by the tests of the "app" collection, each with the small demo school
/// (60 students). Tests that change data make their own records rather than edit the demo's shared ones.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
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

    private static async Task<LyceumApp> StartAsync(DatabaseProvider provider) =>
        await (await LyceumApp.CreateAsync(provider)).StartAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            await (await app).DisposeAsync();
        }
    }
}

/// <summary>
/// Integration tests run one at a time: they share the apps above, and the Prometheus registry is process-wide, so
/// a counter test must not see another test's requests. <see cref="DemoTermFixture"/> starts its apps only when a
/// test asks for one.
/// </summary>
[CollectionDefinition("app")]
public sealed class AppCollection : ICollectionFixture<AppFixture>, ICollectionFixture<DemoTermFixture>;
