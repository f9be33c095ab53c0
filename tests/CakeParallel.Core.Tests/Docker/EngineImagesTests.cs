using System.Net.Sockets;
using System.Text;
using CakeParallel.Docker;

namespace CakeParallel.Tests.Docker;

/// <summary>
/// The up-to-date check asks the engine's API on its unix socket, one HTTP/1.0 request a connection
/// (<see cref="EngineApiSocket"/>). Against a real dockerd it finds and tags images with no docker client at all;
/// against a socket of the test's own that answers wrongly (or not at all) it fails in a bounded time with
/// <see cref="EngineApiSocketException"/>, which hands the lookup to the docker client.
/// </summary>
public sealed class EngineImagesTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [DockerFact]
    public async Task A_real_engine_is_asked_for_images_and_tags_over_its_socket_without_the_docker_client()
    {
        DockerBaseImage.Ensure();
        var expected = TestDocker.Run(["image", "inspect", "--format", "{{.Id}}", DockerBaseImage.Name]).StandardOutput.Trim();
        // No such client: an answer can only have come over the socket.
        var endpoint = new DockerEndpoint(_scratch.PathOf("no-docker-client"), new Dictionary<string, string?> { ["DOCKER_CONFIG"] = _scratch.PathOf("docker-config") }, null);
        var tag = $"cakeparallel-test/engine-api:{Guid.NewGuid():N}";
        try
        {
            var found = await EngineImages.InspectAsync(endpoint, [DockerBaseImage.Name, "cakeparallel-test/absent:" + Guid.NewGuid().ToString("N")], CancellationToken.None);

            found.Count.ShouldBe(2);
            found[0].ShouldNotBeNull().Id.ShouldBe(expected);
            found[1].ShouldBeNull();
            (await EngineImages.TagAsync(endpoint, expected, tag, CancellationToken.None)).ShouldBeNull();
            TestDocker.Run(["image", "inspect", "--format", "{{.Id}}", tag]).StandardOutput.Trim().ShouldBe(expected);
        }
        finally
        {
            TestDocker.Run(["image", "rm", tag]);
        }
    }

    [Fact]
    public async Task The_request_is_http_1_0_with_its_path_escaped_and_an_answer_sized_by_content_length_is_read_without_waiting_for_the_close()
    {
        // The stand-in keeps the connection open after its answer: only Content-Length can end the read.
        await using var engine = StandInEngine.Listen(_scratch.PathOf("engine.sock"), "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n{\"Id\":\"abc\"}\n", close: false);

        var answer = await EngineApiSocket.SendAsync(engine.Socket, "GET", "/images/a b:1/json", Limit, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        answer.Status.ShouldBe(200);
        answer.Text.ShouldBe("{\"Id\":\"abc\"}\n");
        engine.RequestLines.ShouldBe(["GET /images/a%20b:1/json HTTP/1.0"]);
    }

    [Fact]
    public async Task An_answer_without_content_length_is_read_until_the_engine_closes_the_connection()
    {
        await using var engine = StandInEngine.Listen(_scratch.PathOf("engine.sock"), "HTTP/1.0 404 Not Found\r\nContent-Type: application/json\r\n\r\n{\"message\":\"No such image\"}", close: true);

        var answer = await EngineApiSocket.SendAsync(engine.Socket, "POST", "/images/x/tag?repo=a&tag=b", Limit, CancellationToken.None);

        answer.Status.ShouldBe(404);
        answer.Succeeded.ShouldBeFalse();
        answer.Text.ShouldBe("{\"message\":\"No such image\"}");
        engine.RequestLines.ShouldBe(["POST /images/x/tag?repo=a&tag=b HTTP/1.0"]);
    }

    [Theory]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n{\"Id\":", "ended after 6 of its 100 bytes")]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n\r\n", "not HTTP")]
    [InlineData("", "closed without an answer")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "Transfer-Encoding chunked")]
    public async Task A_socket_that_does_not_answer_as_an_engine_is_an_engine_api_error(string answer, string problem)
    {
        await using var engine = StandInEngine.Listen(_scratch.PathOf("engine.sock"), answer, close: true);

        var error = await Should.ThrowAsync<EngineApiSocketException>(() => EngineApiSocket.SendAsync(engine.Socket, "GET", "/_ping", Limit, CancellationToken.None));

        error.Message.ShouldContain(problem);
    }

    [Fact]
    public async Task An_engine_that_never_answers_is_an_engine_api_error_at_the_limit_and_a_cancelled_caller_is_told_so()
    {
        await using var engine = StandInEngine.Listen(_scratch.PathOf("engine.sock"), answer: null, close: false);

        var error = await Should.ThrowAsync<EngineApiSocketException>(() => EngineApiSocket.SendAsync(engine.Socket, "GET", "/_ping", TimeSpan.FromMilliseconds(300), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        error.Message.ShouldContain("did not answer GET /_ping within");

        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Should.ThrowAsync<OperationCanceledException>(() => EngineApiSocket.SendAsync(engine.Socket, "GET", "/_ping", Limit, cancellation.Token).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_socket_that_refuses_is_an_engine_api_error_and_connecting_ahead_to_it_returns_quietly()
    {
        // A socket bound but not listening: connecting is refused.
        var socket = _scratch.PathOf("refusing.sock");
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(socket));

        await Should.ThrowAsync<EngineApiSocketException>(() => EngineApiSocket.SendAsync(socket, "GET", "/_ping", Limit, CancellationToken.None));
        await Should.NotThrowAsync(() => EngineImages.ConnectAheadAsync(EndpointAt(socket, _scratch.PathOf("no-docker-client"))));
    }

    [Fact]
    public async Task An_image_lookup_on_a_socket_that_is_not_an_engine_goes_to_the_docker_client()
    {
        // The "client" records that it was asked and says the image is not there, as docker does.
        var asked = _scratch.PathOf("client-asked");
        var client = _scratch.PathOf("docker");
        File.WriteAllText(client, $"#!/bin/sh\necho \"$@\" >> {asked}\necho 'Error: No such image: x' >&2\nexit 1\n");
        File.SetUnixFileMode(client, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var engine = StandInEngine.Listen(_scratch.PathOf("engine.sock"), "not an engine\r\n\r\n", close: true);

        var found = await EngineImages.InspectAsync(EndpointAt(engine.Socket, client), ["local/absent:1"], CancellationToken.None);

        found.ShouldBe([null]);
        engine.RequestLines.ShouldBe(["GET /images/local/absent:1/json HTTP/1.0"]);
        File.ReadAllText(asked).ShouldContain("image inspect --format");
    }

    private DockerEndpoint EndpointAt(string socket, string client) => new(client, new Dictionary<string, string?>
    {
        ["DOCKER_HOST"] = "unix://" + socket,
        ["DOCKER_CONTEXT"] = "",
        // A configuration folder with no current context, whatever the machine's is.
        ["DOCKER_CONFIG"] = _scratch.PathOf("docker-config"),
    }, null);

    /// <summary>
    /// A stand-in for an engine's API on a unix socket: reads each connection's request head, records its request
    /// line, then sends <c>answer</c> (nothing when it is <see langword="null"/>) and closes the connection or
    /// keeps it open.
    /// </summary>
    private sealed class StandInEngine : IAsyncDisposable
    {
        private readonly Socket _listener;
        private readonly Task _accepting;
        private readonly string? _answer;
        private readonly bool _close;
        private readonly List<string> _requestLines = [];
        private readonly List<Socket> _connections = [];

        private StandInEngine(string socket, string? answer, bool close)
        {
            Socket = socket;
            _answer = answer;
            _close = close;
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(socket));
            _listener.Listen();
            _accepting = AcceptAsync();
        }

        public string Socket { get; }

        public IReadOnlyList<string> RequestLines
        {
            get
            {
                lock (_requestLines)
                {
                    return [.. _requestLines];
                }
            }
        }

        public static StandInEngine Listen(string socket, string? answer, bool close) => new(socket, answer, close);

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
                while (true)
                {
                    var connection = await _listener.AcceptAsync();
                    lock (_connections)
                    {
                        _connections.Add(connection);
                    }

                    serving.Add(ServeAsync(connection));
                }
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }

            await Task.WhenAll(serving);
        }

        private async Task ServeAsync(Socket connection)
        {
            var received = new StringBuilder();
            var buffer = new byte[4096];
            try
            {
                while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await connection.ReceiveAsync(buffer);
                    if (read == 0)
                    {
                        return;
                    }

                    received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                lock (_requestLines)
                {
                    _requestLines.Add(received.ToString()[..received.ToString().IndexOf("\r\n", StringComparison.Ordinal)]);
                }

                if (_answer is not null)
                {
                    await connection.SendAsync(Encoding.ASCII.GetBytes(_answer));
                }

                if (_close)
                {
                    connection.Shutdown(SocketShutdown.Both);
                    connection.Dispose();
                }
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // The test stopped the engine.
            }
        }
    }
}
