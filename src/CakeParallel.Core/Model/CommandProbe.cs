namespace CakeParallel.Model;

/// <summary>
/// Ready when a command exits with code 0, e.g. <c>docker exec db pg_isready</c>. The command runs in the service's
/// working directory and environment, in a process group of its own that is terminated when the check times out.
/// </summary>
public sealed record CommandProbe : ReadinessProbe
{
    /// <summary>Creates a probe that runs <paramref name="executable"/> with <paramref name="arguments"/> as argv.</summary>
    /// <param name="executable">A path, or a file name looked up on <c>PATH</c>.</param>
    /// <param name="arguments">The arguments, passed literally.</param>
    public CommandProbe(string executable, IEnumerable<string>? arguments = null)
    {
        Executable = executable;
        Arguments = arguments?.ToArray() ?? [];
    }

    /// <summary>Creates a probe that runs <paramref name="commandLine"/> through <c>/bin/sh -c</c>.</summary>
    /// <param name="commandLine">The shell command line.</param>
    public static CommandProbe Shell(string commandLine) => new("/bin/sh", ["-c", commandLine]);

    /// <summary>The program to run.</summary>
    public string Executable { get; init; }

    /// <summary>Its argv, each element literally.</summary>
    public IReadOnlyList<string> Arguments { get; init; }

    /// <inheritdoc />
    public override string Description => "command " + CommandLineDisplay.Format(Executable, Arguments);
}
