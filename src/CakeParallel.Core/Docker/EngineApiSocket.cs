using System.Net.Sockets;
using System.Text;

namespace CakeParallel.Docker;

/// <summary>An answer of a docker engine's API: its HTTP status and its body.</summary>
internal sealed record EngineApiAnswer(int Status, byte[] Body)
{
    /// <summary>True for a 2xx status.</summary>
    public bool Succeeded => Status is >= 200 and < 300;

    /// <summary>The body as text (the API answers in UTF-8).</summary>
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>The socket did not answer as a docker engine's API does (refused, closed early, not HTTP, or too slow).</summary>
internal sealed class EngineApiSocketException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// Requests to a docker engine's API on its unix socket: one HTTP/1.0 request a connection, whose answer the engine
/// ends by closing it (or sizes with <c>Content-Length</c>), so there is no chunked body and no pool to keep.
/// Not <see cref="HttpClient"/>: the first request of a process through it costs 60–90 ms of start-up, and the
/// legs' up-to-date checks, which ask the engine before their first build starts, wait for it.
/// </summary>
internal static class EngineApiSocket
{
    /// <summary>The largest answer read; an image's inspection is a few kilobytes.</summary>
    private const int MaxAnswerBytes = 16 * 1024 * 1024;

    /// <summary>Sends <paramref name="method"/> <paramref name="target"/> (path and query) and reads the whole answer.</summary>
    /// <exception cref="EngineApiSocketException">No API answer within <paramref name="limit"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<EngineApiAnswer> SendAsync(string socket, string method, string target, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        using var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket), timeout.Token).ConfigureAwait(false);
            // Escaped as HttpClient would: a reference from a Dockerfile may hold characters a request line cannot.
            var path = new Uri("http://docker" + target).PathAndQuery;
            var body = method == "GET" ? "" : "Content-Length: 0\r\n";
            await connection.SendAsync(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.0\r\nHost: docker\r\n{body}\r\n"), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            return await ReadAnswerAsync(connection, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EngineApiSocketException($"the engine at {socket} did not answer {method} {target} within {limit.TotalSeconds:0} s");
        }
        catch (SocketException exception)
        {
            throw new EngineApiSocketException($"the engine at {socket}: {exception.Message}", exception);
        }
    }

    private static async Task<EngineApiAnswer> ReadAnswerAsync(Socket connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var length = 0;
        var bodyStart = -1;
        long? contentLength = null;
        var status = 0;
        while (bodyStart < 0 || contentLength is not { } expected || length - bodyStart < expected)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length >= MaxAnswerBytes)
                {
                    throw new EngineApiSocketException($"the answer is larger than {MaxAnswerBytes / 1024 / 1024} MB");
                }

                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await connection.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (bodyStart < 0 && buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) is var end and >= 0)
            {
                bodyStart = end + 4;
                (status, contentLength) = ParseHead(Encoding.ASCII.GetString(buffer, 0, end));
            }
        }

        if (bodyStart < 0)
        {
            throw new EngineApiSocketException(length == 0 ? "the connection closed without an answer" : "the answer is not HTTP");
        }

        if (contentLength is { } declared && length - bodyStart < declared)
        {
            throw new EngineApiSocketException($"the answer ended after {length - bodyStart} of its {declared} bytes");
        }

        return new EngineApiAnswer(status, buffer[bodyStart..(contentLength is { } size ? bodyStart + (int)size : length)]);
    }

    private static (int Status, long? ContentLength) ParseHead(string head)
    {
        var lines = head.Split("\r\n");
        var statusLine = lines[0].Split(' ', 3);
        if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(statusLine[1], out var status))
        {
            throw new EngineApiSocketException("the answer is not HTTP");
        }

        long? contentLength = null;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? line : line[..colon].Trim();
            var value = colon < 0 ? "" : line[(colon + 1)..].Trim();
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                // An HTTP/1.0 request never gets one from docker; a proxy that sends one is left to the client.
                throw new EngineApiSocketException($"the answer is sent with Transfer-Encoding {value}");
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = long.TryParse(value, out var size) && size is >= 0 and <= MaxAnswerBytes ? size : throw new EngineApiSocketException($"the answer has Content-Length {value}");
            }
        }

        return (status, contentLength);
    }
}
