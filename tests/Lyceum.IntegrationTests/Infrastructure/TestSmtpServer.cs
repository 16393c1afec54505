using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Lyceum.IntegrationTests.Infrastructure;

/// <summary>
/// A real SMTP server in the test process (the SmtpServer package) on a loopback port of its own. It can be stopped
/// and started again on the same port, which is how tests take the mail server down. Every mail it accepted is kept,
/// duplicates included, so a test can count them.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _received = new();
    private readonly ConcurrentDictionary<SmtpServer.ISessionContext, byte> _sessions = new();
    private SmtpServer.SmtpServer? _server;
    private Task? _running;

    private TestSmtpServer(int port) => Port = port;

    public int Port { get; }

    public IReadOnlyList<MimeMessage> Received => [.. _received];

    /// <summary>
    /// How long storing each mail takes before it counts as received and is answered: a slow server, so that a long
    /// dispatch is still under way when a test interrupts it. None by default.
    /// </summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Recipients refused at RCPT TO with 550 (no such mailbox): a final answer for that mail.</summary>
    public ConcurrentDictionary<string, byte> RefusedRecipients { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When set, every mail is refused with this answer at the end of DATA (such as 554 relaying denied).</summary>
    public SmtpResponse? RefuseMessages { get; set; }

    /// <summary>Connections still being served: a mail sent by a client that has gone may still be being stored.</summary>
    public int OpenSessions => _sessions.Count;

    public static async Task<TestSmtpServer> StartAsync()
    {
        var server = new TestSmtpServer(FreePort());
        await server.StartAsync(server.Port);
        return server;
    }

    /// <summary>Settings that point an app at this server.</summary>
    public IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Lyceum:Mail:SmtpHost"] = "127.0.0.1",
        ["Lyceum:Mail:SmtpPort"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Lyceum:Mail:SmtpSecurity"] = "None",
        ["Lyceum:Mail:SmtpTimeoutSeconds"] = "5",
    };

    public IReadOnlyList<MimeMessage> To(string address) =>
        [.. Received.Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase)))];

    /// <summary>Waits until <paramref name="done"/> holds for what was received, or fails after <paramref name="seconds"/>.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitAsync(Func<IReadOnlyList<MimeMessage>, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var now = Received;
            if (done(now))
            {
                return now;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The SMTP server had {now.Count} mails after {seconds} s, not what the test waits for.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops listening: connections are refused until <see cref="ResumeAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            server.Shutdown();
            await server.ShutdownTask;
            _server = null;
        }

        if (_running is { } running)
        {
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
            }

            _running = null;
        }
    }

    public Task ResumeAsync() => StartAsync(Port);

    public async ValueTask DisposeAsync() => await StopAsync();

    private Task StartAsync(int port)
    {
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Filter(this));
        _server = new SmtpServer.SmtpServer(options, services);
        _server.SessionCreated += (_, e) => _sessions.TryAdd(e.Context, 0);
        _server.SessionCompleted += SessionEnded;
        _server.SessionFaulted += SessionEnded;
        _server.SessionCancelled += SessionEnded;
        _running = _server.StartAsync(CancellationToken.None);
        return WaitListeningAsync(port);
    }

    private void SessionEnded(object? sender, SmtpServer.SessionEventArgs e) => _sessions.TryRemove(e.Context, out _);

    private static async Task WaitListeningAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"The test SMTP server did not listen on port {port}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            SmtpServer.ISessionContext context, SmtpServer.IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (server.Delay > TimeSpan.Zero)
            {
                await Task.Delay(server.Delay, cancellationToken);
            }

            if (server.RefuseMessages is { } refusal)
            {
                return refusal;
            }

            await using var stream = new MemoryStream(buffer.ToArray());
            server._received.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }

    private sealed class Filter(TestSmtpServer server) : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(
            SmtpServer.ISessionContext context, SmtpServer.Mail.IMailbox to, SmtpServer.Mail.IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!server.RefusedRecipients.ContainsKey($"{to.User}@{to.Host}"));
    }
}
