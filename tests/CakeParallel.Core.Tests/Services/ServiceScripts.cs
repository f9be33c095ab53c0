namespace CakeParallel.Tests.Services;

/// <summary>Small real servers for the tests that try to fool a service's probes: squatters, daemons, flapping servers.</summary>
internal static class ServiceScripts
{
    /// <summary>A python server that answers 200 while <c>argv[2]</c> exists and 500 once it is gone.</summary>
    public const string Flapping = """
        import http.server, os, sys
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200 if os.path.exists(sys.argv[2]) else 500)
                self.end_headers()
            def log_message(self, *args):
                pass
        print("serving", flush=True)
        http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
        """;

    /// <summary>A proper double-forking daemon: the main process exits 0 at once; the server runs in a new session, stdio on /dev/null.</summary>
    public const string Daemon = """
        import http.server, os, sys
        if os.fork() > 0:
            # _exit, as daemon(3) does: an interpreter shutdown could outlast the server's start under load.
            os._exit(0)
        os.setsid()
        if os.fork() > 0:
            os._exit(0)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), http.server.SimpleHTTPRequestHandler).serve_forever()
        """;

    /// <summary>Writes <paramref name="script"/> into <paramref name="scratch"/> and returns its path.</summary>
    public static string Write(Scratch scratch, string name, string script)
    {
        var path = scratch.PathOf(name);
        File.WriteAllText(path, script);
        return path;
    }
}
