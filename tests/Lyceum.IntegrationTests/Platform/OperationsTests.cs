using System.Net;
using System.Text.RegularExpressions;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;

namespace Lyceum.IntegrationTests.Platform;

[Collection("app")]
public sealed partial class OperationsTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task Health_endpoints_answer_without_sign_in(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();

        var live = await (await client.GetAsync("/health/live")).JsonAsync();
        var ready = await (await client.GetAsync("/health/ready")).JsonAsync();

        Assert.Equal("Healthy", live["status"]!.GetValue<string>());
        Assert.Equal("Healthy", ready["status"]!.GetValue<string>());
        Assert.Equal("Healthy", ready["checks"]!["database"]!["status"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task Metrics_count_every_request_per_route(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var before = await CountAsync(client, "/api/v1/students/{id:int}");

        const int n = 7;
        for (var i = 0; i < n; i++)
        {
            (await client.GetAsync("/api/v1/students/987654321")).Dispose();
        }

        // The counter is written as the middleware unwinds, a moment after the client has its response.
        var after = before;
        for (var i = 0; i < 50 && after < before + n; i++)
        {
            await Task.Delay(i == 0 ? 0 : 20);
            after = await CountAsync(client, "/api/v1/students/{id:int}");
        }

        Assert.Equal(before + n, after);

        // A request that failed binding is counted with the 400 it got, not as a success.
        var bad400 = await CountAsync(client, "/api/v1/auth/token", "400");
        (await client.PostAsync("/api/v1/auth/token", Http.Json("{not json"))).Dispose();
        for (var i = 0; i < 50 && await CountAsync(client, "/api/v1/auth/token", "400") == bad400; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(bad400 + 1, await CountAsync(client, "/api/v1/auth/token", "400"));
    }

    [Theory, AllProviders]
    public async Task The_front_door_asks_a_visitor_to_sign_in_and_comes_back_after(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2F", response.Headers.Location!.PathAndQuery);
    }

    [Theory, AllProviders]
    public async Task A_sane_correlation_id_is_echoed_and_shown_in_problems(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/students");
        request.Headers.Add("X-Correlation-Id", "office-pc-42.req-7");

        using var response = await client.SendAsync(request);

        Assert.Equal("office-pc-42.req-7", response.Headers.GetValues("X-Correlation-Id").Single());
        var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("office-pc-42.req-7", problem["correlationId"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task A_missing_or_hostile_correlation_id_is_replaced_by_a_new_one(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();
        using var hostile = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        hostile.Headers.TryAddWithoutValidation("X-Correlation-Id", "x\" injected=1 " + new string('a', 100));

        using var first = await client.GetAsync("/health/live");
        using var second = await client.SendAsync(hostile);

        var a = first.Headers.GetValues("X-Correlation-Id").Single();
        var b = second.Headers.GetValues("X-Correlation-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", a);
        Assert.Matches("^[0-9a-f]{32}$", b);
        Assert.NotEqual(a, b);
    }

    [Theory, AllProviders]
    public async Task The_openapi_document_is_3_1_with_the_bearer_scheme_and_the_student_routes(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();

        var doc = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();

        Assert.StartsWith("3.1", doc["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var bearer = doc["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal("http", bearer["type"]!.GetValue<string>());
        Assert.Equal("bearer", bearer["scheme"]!.GetValue<string>());
        var paths = doc["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/api/v1/students"));
        Assert.True(paths.ContainsKey("/api/v1/students/{id}"));
        Assert.True(paths.ContainsKey("/api/v1/me"));
        Assert.NotNull(paths["/api/v1/students"]!["get"]!["security"]);
        Assert.Null(paths["/api/v1/auth/token"]!["post"]!["security"]);
        // A create that takes an Idempotency-Key says so, so that client generators send it.
        Assert.Contains(paths["/api/v1/students"]!["post"]!["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key" && p["in"]!.GetValue<string>() == "header");
    }

    [Theory, AllProviders]
    public async Task The_interactive_docs_page_is_served_at_docs(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/docs");
        var html = await response.Content.ReadAsStringAsync();
        using var script = await client.GetAsync("/docs/scalar.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Lyceum API", html, StringComparison.Ordinal);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Theory, AllProviders]
    public async Task Unknown_routes_and_wrong_methods_are_problems_too(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();

        await (await client.GetAsync("/api/v1/no-such-thing")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync("/api/v1/me")).ProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    private static async Task<double> CountAsync(HttpClient client, string endpoint, string? code = null)
    {
        var text = await client.GetStringAsync("/metrics");
        var total = 0d;
        foreach (Match m in CounterLine().Matches(text))
        {
            if (m.Groups["labels"].Value.Contains($"endpoint=\"{endpoint}\"", StringComparison.Ordinal)
                && (code is not null
                    ? m.Groups["labels"].Value.Contains($"code=\"{code}\"", StringComparison.Ordinal)
                    : m.Groups["labels"].Value.Contains("method=\"GET\"", StringComparison.Ordinal)))
            {
                total += double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    [GeneratedRegex("""^http_requests_received_total\{(?<labels>.*)\} (?<value>[0-9.e+]+)$""", RegexOptions.Multiline)]
    private static partial Regex CounterLine();
}
