using System.Text.RegularExpressions;

namespace Cake.Parallel.Rendering;

/// <summary>
/// Reads one leg's output the way a person reads a <c>docker build</c>: it recognises the build steps (the classic
/// builder's <c>Step 3/14 : RUN …</c> and BuildKit's <c>#7 [2/5] RUN …</c>) and folds the banners docker prints on
/// every build (the legacy builder's deprecation notice), which say nothing about the leg. The leg's log file keeps
/// every line; this only decides what the console shows.
/// </summary>
internal sealed partial class DockerOutputReader
{
    private bool _inBanner;

    /// <summary>The build step the leg is at; <see langword="null"/> before the first.</summary>
    public BuildStep? CurrentStep { get; private set; }

    /// <summary>
    /// Reads <paramref name="text"/>: returns false when the line belongs to a folded banner (the console skips it),
    /// and updates <see cref="CurrentStep"/> when it starts a step; <paramref name="startsStep"/> tells whether it did.
    /// </summary>
    public bool Read(string text, out bool startsStep)
    {
        startsStep = false;
        if (text.StartsWith(LegacyBuilderBanner, StringComparison.Ordinal))
        {
            _inBanner = true;
            return false;
        }

        if (_inBanner)
        {
            // The banner's continuation lines are indented, and a blank line ends it.
            if (text.Length == 0)
            {
                _inBanner = false;
                return false;
            }

            if (char.IsWhiteSpace(text[0]))
            {
                return false;
            }

            _inBanner = false;
        }

        var step = ClassicStep().Match(text);
        if (!step.Success)
        {
            step = BuildKitStep().Match(text);
        }

        if (step.Success)
        {
            CurrentStep = new BuildStep($"{step.Groups["number"].Value}/{step.Groups["count"].Value}", step.Groups["instruction"].Value.Trim());
            startsStep = true;
        }

        return true;
    }

    /// <summary>The first line of the notice docker 23+ prints on every classic-builder build (four lines with the blank one).</summary>
    internal const string LegacyBuilderBanner = "DEPRECATED: The legacy builder is deprecated";

    [GeneratedRegex(@"^Step (?<number>\d+)/(?<count>\d+) : (?<instruction>.*)$")]
    private static partial Regex ClassicStep();

    // BuildKit's plain progress names each vertex once with its position in its stage: "#7 [build 2/5] RUN make".
    [GeneratedRegex(@"^#\d+ \[(?:[^\]]*\s)?(?<number>\d+)/(?<count>\d+)\] (?<instruction>.*)$")]
    private static partial Regex BuildKitStep();
}

/// <summary>A docker build step: its position, e.g. <c>3/14</c>, and its instruction, e.g. <c>RUN make</c>.</summary>
internal sealed record BuildStep(string Position, string Instruction)
{
    public override string ToString() => Position + " " + Instruction;
}
