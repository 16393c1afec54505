using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lyceum.IntegrationTests.Platform;

/// <summary>The binary as an operator runs it: signals, sub-commands and what it prints.</summary>
[Collection("app")]
public sealed class ProcessTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("lyceum-process-").FullName;

    [Theory, AllProviders]
    public async Task Sigterm_lets_an_in_flight_request_finish_and_then_exits_cleanly(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = AppProcess.StartServer(Environment(database), _workDir);
        await app.WaitUntilReadyAsync();

        // A sign-in held up by a database lock (a slow query, as in real life) is in flight when the signal arrives.
        var body = Encoding.UTF8.GetBytes($$"""{"email":"{{LyceumApp.AdminEmail}}","password":"{{LyceumApp.AdminPassword}}"}""");
        using var tcp = new TcpClient();
        NetworkStream stream;
        await using (var hold = await HoldRefreshTokensAsync(database))
        {
            await tcp.ConnectAsync("127.0.0.1", app.Port);
            stream = tcp.GetStream();
            var head = $"POST /api/v1/auth/token HTTP/1.1\r\nHost: localhost\r\nX-Correlation-Id: shutdown-test-1\r\n" +
                       $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray());
            await Task.Delay(700);

            app.SendSigterm();
            await Task.Delay(1500);
            Assert.False(app.HasExited, "The app exited while a request was still in flight.");
        }

        var response = await ReadResponseAsync(stream);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains("accessToken", response, StringComparison.Ordinal);
        await app.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, app.ExitCode);
        // Structured (JSON) logs carry the request's correlation id.
        Assert.Contains(app.Output.Split('\n'), line =>
            line.StartsWith('{') && line.Contains("\"CorrelationId\":\"shutdown-test-1\"", StringComparison.Ordinal)
            && line.Contains("/api/v1/auth/token", StringComparison.Ordinal));
    }

    [Theory, AllProviders]
    public async Task Migrate_and_seed_run_as_commands_with_progress_and_exit(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var env = Environment(database);

        var migrate = await AppProcess.RunCommandAsync(["migrate"], env, _workDir);
        var seed = await AppProcess.RunCommandAsync(["seed", "--schools", "2", "--students", "90", "--seed", "7"], env, _workDir);
        var bad = await AppProcess.RunCommandAsync(["seed", "--students", "lots"], env, _workDir);
        var typo = await AppProcess.RunCommandAsync(["migrat"], env, _workDir);

        Assert.True(migrate.ExitCode == 0, migrate.Output);
        Assert.Contains("Database is up to date.", migrate.Output, StringComparison.Ordinal);
        Assert.True(seed.ExitCode == 0, seed.Output);
        Assert.Contains("School 1 of 2", seed.Output, StringComparison.Ordinal);
        Assert.Contains("School 2 of 2", seed.Output, StringComparison.Ordinal);
        Assert.Contains("students 45/45", seed.Output, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(database, "Schools"));
        Assert.Equal(90, await CountAsync(database, "Students"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--students must be a whole number", bad.Output, StringComparison.Ordinal);
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("Unknown command 'migrat'", typo.Output, StringComparison.Ordinal);
    }

    [Theory, AllProviders]
    public async Task The_generated_admin_password_is_printed_once_and_works(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var env = Environment(database);
        env.Remove("Lyceum__Admin__Email");
        env.Remove("Lyceum__Admin__Password");

        string password;
        await using (var first = AppProcess.StartServer(env, _workDir))
        {
            await first.WaitUntilReadyAsync();
            var line = first.Output.Split('\n').Single(l => l.Contains("Password (shown once):", StringComparison.Ordinal));
            password = line.Split(':')[1].Trim().TrimEnd('│').Trim();
            using var client = new HttpClient { BaseAddress = first.BaseAddress };
            using var token = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "admin@lyceum.local", password });
            Assert.True(token.IsSuccessStatusCode, await token.Content.ReadAsStringAsync());
            Assert.DoesNotContain(first.Output.Split('\n'), l => l.StartsWith('{') && l.Contains(password, StringComparison.Ordinal));
            first.SendSigterm();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await using var second = AppProcess.StartServer(env, _workDir);
        await second.WaitUntilReadyAsync();
        Assert.DoesNotContain("Password (shown once)", second.Output, StringComparison.Ordinal);
        Assert.True(password.Length >= 16);

        // Missed it? The operator asks for a new one; the old one stops working.
        var reset = await AppProcess.RunCommandAsync(["reset-admin-password"], env, _workDir);
        Assert.True(reset.ExitCode == 0, reset.Output);
        var fresh = reset.Output.Split('\n').Single(l => l.Contains("Password (shown once):", StringComparison.Ordinal))
            .Split(':')[1].Trim().TrimEnd('│').Trim();
        using var client2 = new HttpClient { BaseAddress = second.BaseAddress };
        using var withNew = await client2.PostAsJsonAsync("/api/v1/auth/token", new { email = "admin@lyceum.local", password = fresh });
        using var withOld = await client2.PostAsJsonAsync("/api/v1/auth/token", new { email = "admin@lyceum.local", password });
        Assert.True(withNew.IsSuccessStatusCode, await withNew.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, withOld.StatusCode);
    }

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private static Dictionary<string, string> Environment(TestDatabase database) => new()
    {
        ["Database__Provider"] = database.Provider.ToString(),
        ["ConnectionStrings__Lyceum"] = database.ConnectionString,
        ["Lyceum__Admin__Email"] = LyceumApp.AdminEmail,
        ["Lyceum__Admin__Password"] = LyceumApp.AdminPassword,
        ["Lyceum__Demo__Enabled"] = "false",
        ["Lyceum__Jwt__SigningKey"] = LyceumApp.SigningKey,
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning",
    };

    private static async Task<string> ReadResponseAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[16 * 1024];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\"refreshToken\"", StringComparison.Ordinal) && !text.ToString().Contains("\r\n\r\n{\"type\"", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>Holds a write lock on the refresh tokens until disposed: a sign-in waits for it.</summary>
    private static async Task<IAsyncDisposable> HoldRefreshTokensAsync(TestDatabase database)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var sqlite = new SqliteConnection(database.ConnectionString);
            await sqlite.OpenAsync();
            await using (var begin = new SqliteCommand("BEGIN IMMEDIATE", sqlite))
            {
                await begin.ExecuteNonQueryAsync();
            }

            return new Release(async () =>
            {
                await using (var rollback = new SqliteCommand("ROLLBACK", sqlite))
                {
                    await rollback.ExecuteNonQueryAsync();
                }

                await sqlite.DisposeAsync();
            });
        }

        var pg = new NpgsqlConnection(database.ConnectionString);
        await pg.OpenAsync();
        var transaction = await pg.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE \"RefreshTokens\" IN ACCESS EXCLUSIVE MODE", pg, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        return new Release(async () =>
        {
            await transaction.RollbackAsync();
            await pg.DisposeAsync();
        });
    }

    private sealed class Release(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }

    private static async Task<long> CountAsync(TestDatabase database, string table)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            await using var sqlite = new SqliteConnection(database.ConnectionString);
            await sqlite.OpenAsync();
            await using var command = new SqliteCommand($"SELECT COUNT(*) FROM \"{table}\"", sqlite);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        await using var pg = new NpgsqlConnection(database.ConnectionString);
        await pg.OpenAsync();
        await using var query = new NpgsqlCommand($"SELECT COUNT(*) FROM \"{table}\"", pg);
        return (long)(await query.ExecuteScalarAsync())!;
    }
}
