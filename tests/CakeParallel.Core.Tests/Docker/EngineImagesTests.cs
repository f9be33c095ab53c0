using System.Net.Sockets;
using System.Text;
using CakeParallel.Docker;

namespace CakeParallel.Tests.Docker;

/// <summary>
/// The connection the daemon check opens ahead (<see cref="EngineImages.ConnectAheadAsync"/>) is the one the first
/// up-to-date check uses, and an engine that does not answer costs the connection nothing but a skipped warm-up.
/// What the engine sees is watched on a unix socket of the test's own, which records each connection's requests:
/// docker's own socket does not say which connection a request came on.
/// </summary>
public sealed class EngineImagesTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private DockerEndpoint EndpointAt(string socket) => new("docker", new Dictionary<string, string?>
    {
        ["DOCKER_HOST"] = "unix://" + socket,
        ["DOCKER_CONTEXT"] = "",
        // A configuration folder with no current context, whatever the machine's is.
        ["DOCKER_CONFIG"] = _scratch.PathOf("docker-config"),
    }, null);

    [Fact]
    public async Task The_first_inspect_after_connecting_ahead_goes_over_the_connection_opened_ahead()
    {
        await using var engine = RecordingEngine.Listen(_scratch.PathOf("engine.sock"));
        var endpoint = EndpointAt(engine.Socket);

        await EngineImages.ConnectAheadAsync(endpoint);
        var found = await EngineImages.InspectAsync(endpoint, ["local/absent:1"], CancellationToken.None);

        found.ShouldBe([null]);
        engine.Requests.ShouldBe(["1 GET /_ping", "1 GET /images/local/absent:1/json"]);
    }

    [Fact]
    public async Task Connecting_ahead_to_an_engine_that_refuses_returns_without_an_error()
    {
        // A socket bound but not listening: connecting is refused.
        var socket = _scratch.PathOf("refusing.sock");
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(socket));

        await Should.NotThrowAsync(() => EngineImages.ConnectAheadAsync(EndpointAt(socket)));
    }

    /// <summary>An engine API stand-in on a unix socket: answers every request (200 for <c>/_ping</c>, else 404) and records each with the number of its connection.</summary>
    private sealed class RecordingEngine : IAsyncDisposable
    {
        private readonly Socket _listener;
        private readonly Task _accepting;
        private readonly List<string> _requests = [];
        private readonly List<Socket> _connections = [];

        private RecordingEngine(string socket)
        {
            Socket = socket;
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(socket));
            _listener.Listen();
            _accepting = AcceptAsync();
        }

        public string Socket { get; }

        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        public static RecordingEngine Listen(string socket) => new(socket);

        /// <summary>Stops listening and closes every connection.</summary>
        public async ValueTask DisposeAsync()
        {
            _listener.Dispose();
            lock (_connections)
            {
                _connections.ForEach(c => c.Dispose());
            }

            await _accepting;
        }

        private async Task AcceptAsync()
        {
            var serving = new List<Task>();
            try
            {
                for (var number = 1; ; number++)
                {
                    var connection = await _listener.AcceptAsync();
                    lock (_connections)
                    {
                        _connections.Add(connection);
                    }

                    serving.Add(ServeAsync(connection, number));
                }
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }

            await Task.WhenAll(serving);
        }

        private async Task ServeAsync(Socket connection, int number)
        {
            var received = new StringBuilder();
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var end = received.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (end < 0)
                    {
                        var read = await connection.ReceiveAsync(buffer);
                        if (read == 0)
                        {
                            return;
                        }

                        received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                        continue;
                    }

                    // Requests without a body (GET): the head is the request.
                    var requestLine = received.ToString()[..received.ToString().IndexOf("\r\n", StringComparison.Ordinal)];
                    received.Remove(0, end + 4);
                    var target = requestLine.Split(' ')[1];
                    lock (_requests)
                    {
                        _requests.Add($"{number} GET {Uri.UnescapeDataString(target)}");
                    }

                    var (status, body) = target == "/_ping" ? ("200 OK", "OK") : ("404 Not Found", "{\"message\":\"No such image\"}");
                    await connection.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: {body.Length}\r\nContent-Type: text/plain\r\n\r\n{body}"));
                }
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // The test stopped the engine.
            }
        }
    }
}
