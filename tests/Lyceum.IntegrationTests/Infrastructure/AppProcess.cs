using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lyceum.IntegrationTests.Infrastructure;

/// <summary>
/// The real binary in a process of its own (what <c>dotnet run</c> starts), for what only a process shows: signals,
/// sub-commands, console output, the real Kestrel server.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AppProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public int Id => _process.Id;

    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Starts the app (no command) on a free loopback port, passed with <c>--urls</c>.</summary>
    public static AppProcess StartServer(IDictionary<string, string> environment, string workingDirectory)
    {
        var port = FreePort();
        return new AppProcess(Start(["--urls", $"http://127.0.0.1:{port}"], environment, workingDirectory), port);
    }

    /// <summary>Runs a sub-command to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(
        string[] arguments, IDictionary<string, string> environment, string workingDirectory)
    {
        await using var run = new AppProcess(Start(arguments, environment, workingDirectory), 0);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await run._process.WaitForExitAsync(timeout.Token);
        return (run._process.ExitCode, run.Output);
    }

    public async Task WaitUntilReadyAsync(int seconds = 60)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, $"The app exited early ({(_process.HasExited ? _process.ExitCode : 0)}):\n{Output}");
            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline)
            {
                // One probe took longer than its 5 s (a starting app on a busy machine): ask again until the deadline.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Not ready after {seconds} s:\n{Output}");
    }

    /// <summary>What a service manager or container runtime sends to stop the app.</summary>
    public void SendSigterm()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return _process.WaitForExitAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The host project's own build output, built before these tests by the project reference.</summary>
    public static string AppDll
    {
        get
        {
            var here = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = here.Parent!.Name; // …/bin/<Configuration>/net10.0/
            var root = here;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Lyceum.slnx")))
            {
                root = root.Parent;
            }

            Assert.NotNull(root);
            var dll = Path.Combine(root.FullName, "src", "Lyceum.Web", "bin", configuration, "net10.0", "Lyceum.Web.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first.");
            return dll;
        }
    }

    private static Process Start(string[] arguments, IDictionary<string, string> environment, string workingDirectory)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AppDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Lyceum__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("Database__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info)!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
