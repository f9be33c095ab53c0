namespace CakeParallel.Docker;

/// <summary>
/// The classic builder turns every <c>--label</c> into a build step of its own (a container created, committed and
/// removed: 0.1 to 0.3 s each, more while other builds commit). This copy of a leg's Dockerfile carries all its
/// labels in one <c>LABEL</c> instruction at the end instead, which gives the image the same labels in one step.
/// </summary>
internal static class LabelledDockerfile
{
    /// <summary>
    /// Writes the copy to <paramref name="path"/> and returns the argv that builds it without <c>--label</c>; or
    /// <see langword="null"/>, leaving the argv as it is, when one step would not label the image as the options do:
    /// with <c>--target</c> (whose stage need not be the last), with BuildKit's ignore file beside the Dockerfile
    /// (which the copy would lose), when the Dockerfile ends in a line continuation, or when a label needs quoting
    /// that a Dockerfile would read otherwise (quotes, <c>$</c>, escape characters, line breaks).
    /// </summary>
    public static IReadOnlyList<string>? Write(IReadOnlyList<string> arguments, DockerBuildInvocation invocation, string dockerfileText, string path)
    {
        if (invocation.Target is not null || File.Exists(invocation.Dockerfile + ".dockerignore") || EndsInContinuation(dockerfileText))
        {
            return null;
        }

        var build = arguments.ToList().IndexOf("build");
        var file = -1;
        var labels = new List<string>();
        var kept = new List<string>(arguments.Count);
        for (var i = 0; i < arguments.Count; i++)
        {
            var isOption = i > build && i < arguments.Count - 2;
            if (isOption && arguments[i] == "--label")
            {
                labels.Add(arguments[++i]);
                continue;
            }

            if (isOption && arguments[i] is "--file" or "-f" && file < 0)
            {
                file = kept.Count + 1;
            }

            kept.Add(arguments[i]);
        }

        if (labels.Count < 2 || file < 0 || labels.Any(l => l.AsSpan().IndexOfAny("\"'$\\`\r\n") >= 0))
        {
            return null;
        }

        var pairs = labels.Select(l => l.Split('=', 2)).Select(p => $"\"{p[0]}\"=\"{(p.Length == 2 ? p[1] : "")}\"");
        var separator = dockerfileText.Length == 0 || dockerfileText.EndsWith('\n') ? "" : "\n";
        File.WriteAllText(path, $"{dockerfileText}{separator}LABEL {string.Join(' ', pairs)}\n");
        kept[file] = path;
        return kept;
    }

    /// <summary>True when the last instruction line (comments and blank lines aside) ends in <c>\</c> or <c>`</c>, which would join the added line to it.</summary>
    private static bool EndsInContinuation(string dockerfileText)
    {
        var last = dockerfileText.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0 && !l.StartsWith('#')) ?? "";
        return last.EndsWith('\\') || last.EndsWith('`');
    }
}
