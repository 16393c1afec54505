using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lyceum.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP server on a loopback port standing in for an SMS gateway (the one part outside the machine): it keeps
/// each request it gets and answers <see cref="Status"/>, which a test changes to make the gateway fail.
/// </summary>
public sealed class TestSmsGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<GatewayRequest> _received = new();

    private TestSmsGateway(WebApplication app) => _app = app;

    public sealed record GatewayRequest(string ContentType, string Body, IReadOnlyDictionary<string, string> Headers);

    public int Status { get; set; } = 200;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<GatewayRequest> Received => [.. _received];

    public static async Task<TestSmsGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var gateway = new TestSmsGateway(app);
        app.MapPost("/messages", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            gateway._received.Enqueue(new GatewayRequest(
                request.ContentType ?? "", body, request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            return Results.Text("{\"id\":\"accepted\"}", "application/json", statusCode: gateway.Status);
        });
        await app.StartAsync();
        gateway.Url = new Uri(app.Urls.First().TrimEnd('/') + "/messages");
        return gateway;
    }

    /// <summary>Settings that point an app at this gateway, with a bearer key.</summary>
    public IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Lyceum:Sms:Gateway:Url"] = Url.ToString(),
        ["Lyceum:Sms:Gateway:AuthHeader"] = "Authorization: Bearer sms-test-key",
        ["Lyceum:Sms:Gateway:From"] = "LyceumTest",
    };

    public async Task<IReadOnlyList<GatewayRequest>> WaitAsync(Func<IReadOnlyList<GatewayRequest>, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done(Received))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The SMS gateway had {Received.Count} requests after {seconds} s, not what the test waits for.");
            }

            await Task.Delay(100);
        }

        return Received;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
