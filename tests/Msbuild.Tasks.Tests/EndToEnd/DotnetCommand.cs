using System.Diagnostics;

namespace CakeParallel.MSBuild.Tests.EndToEnd;

/// <summary>Runs the real <c>dotnet</c> CLI with an environment cleaned of the test host's MSBuild settings.</summary>
internal static class DotnetCommand
{
    private static readonly string Dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Starts dotnet with <paramref name="arguments"/>; output is captured in the background.</summary>
    public static DotnetProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(Dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under MSBuild-launched `dotnet test`; its MSBuild variables must not leak into the child build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("MSBuild", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new DotnetProcess(Process.Start(start)!, string.Join(" ", arguments));
    }

    /// <summary>Sends a signal like Ctrl+C does (<c>kill -INT</c>) and returns kill's exit code.</summary>
    public static async Task<int> SendSignalAsync(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        return kill.ExitCode;
    }

    public static async Task<DotnetResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan limit, params string[] arguments)
    {
        using var process = Start(workingDirectory, environment, arguments);
        return await process.WaitAsync(limit);
    }
}

/// <summary>A running dotnet process whose output is being collected.</summary>
internal sealed class DotnetProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _commandLine;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    public DotnetProcess(Process process, string commandLine)
    {
        _process = process;
        _commandLine = commandLine;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public async Task<DotnetResult> WaitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {_commandLine} did not finish within {limit}.");
        }

        return new DotnetResult(_process.ExitCode, await _stdout, await _stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

/// <summary>How a dotnet command ended.</summary>
internal sealed record DotnetResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit code {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{Stdout}{Environment.NewLine}stderr:{Environment.NewLine}{Stderr}";
}
