using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Lyceum.IntegrationTests.Infrastructure;

/// <summary>A hub refused the WebSocket upgrade (no 101); <see cref="Status"/> is what it answered instead.</summary>
public sealed class HubRefusedException(HttpStatusCode status, Exception inner)
    : Exception($"The hub answered {(int)status} instead of switching to WebSockets.", inner)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// The least of a SignalR client that hears the bell: the JSON hub protocol over one WebSocket, without the negotiate
/// request (ASP.NET Core accepts a direct WebSocket). No SignalR .NET client matches our framework version. The
/// server's pings are not answered: a test ends long before its 30 s client timeout.
/// </summary>
public sealed class TestHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    private readonly ClientWebSocket _socket;
    private readonly Queue<string> _records = new();
    private string _partial = string.Empty;

    private TestHubClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>Connects to <paramref name="path"/> on a node started on a real port and completes the handshake.</summary>
    public static async Task<TestHubClient> ConnectAsync(Uri root, string path, string? token, TimeSpan timeout)
    {
        var address = new UriBuilder(root)
        {
            Scheme = root.Scheme == "https" ? "wss" : "ws",
            Path = path,
            Query = token is null ? string.Empty : $"access_token={Uri.EscapeDataString(token)}",
        }.Uri;
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true; // to tell a refusal's status
        var client = new TestHubClient(socket);
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await socket.ConnectAsync(address, deadline.Token);
            }
            catch (WebSocketException e) when (socket.HttpStatusCode != 0 && socket.HttpStatusCode != HttpStatusCode.SwitchingProtocols)
            {
                throw new HubRefusedException(socket.HttpStatusCode, e);
            }

            await client.SendAsync("""{"protocol":"json","version":1}""", deadline.Token);
            var handshake = await client.NextRecordAsync(deadline.Token);
            if (handshake != "{}")
            {
                throw new InvalidOperationException($"The hub refused the handshake: {handshake}");
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>The count of the next <c>unread(count)</c> the hub sends; pings and other targets are skipped.</summary>
    public async Task<int> NextUnreadAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                using var message = JsonDocument.Parse(await NextRecordAsync(deadline.Token));
                var root = message.RootElement;
                switch (root.GetProperty("type").GetInt32())
                {
                    case 1 when root.GetProperty("target").GetString() == "unread":
                        return root.GetProperty("arguments")[0].GetInt32();
                    case 7: // close, perhaps with the server's error
                        throw new InvalidOperationException($"The hub closed the connection: {root}");
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"No unread(count) within {timeout.TotalSeconds} s.");
        }
    }

    private async Task SendAsync(string record, CancellationToken cancellationToken) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(record + RecordSeparator), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>The next record (one JSON message); a WebSocket message may carry several, or the end of one.</summary>
    private async Task<string> NextRecordAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var bytes = new List<byte>();
        while (_records.Count == 0)
        {
            var received = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The hub closed the WebSocket: {received.CloseStatus} {received.CloseStatusDescription}");
            }

            bytes.AddRange(buffer.AsSpan(0, received.Count));
            if (received.EndOfMessage)
            {
                var records = (_partial + Encoding.UTF8.GetString([.. bytes])).Split(RecordSeparator);
                bytes.Clear();
                _partial = records[^1];
                foreach (var record in records[..^1])
                {
                    _records.Enqueue(record);
                }
            }
        }

        return _records.Dequeue();
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, deadline.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The node may already be gone; the socket is disposed below either way.
            }
        }

        _socket.Dispose();
    }
}
