using System.Text;
using System.Text.RegularExpressions;

namespace CakeParallel.Docker;

/// <summary>
/// The images a Dockerfile builds on, as docker resolves its <c>FROM</c> lines: <c>ARG</c>s declared before the
/// first <c>FROM</c> (their defaults, overridden by the build args) substituted (<c>$A</c>, <c>${A}</c>,
/// <c>${A:-x}</c>, <c>${A:+x}</c>), <c>--platform</c> skipped, <c>scratch</c> and names of earlier stages
/// (<c>FROM x AS name</c>) left out; <c>COPY --from=</c> an image counts too.
/// </summary>
internal static partial class DockerfileBaseImages
{
    /// <summary>The external image references of <paramref name="dockerfile"/>, in order, each once.</summary>
    /// <param name="dockerfile">The Dockerfile's text.</param>
    /// <param name="buildArgs">The build args (name to value), the last value of a name winning.</param>
    public static IReadOnlyList<string> Of(string dockerfile, IReadOnlyDictionary<string, string> buildArgs)
    {
        var globals = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var images = new List<string>();
        var seenFrom = false;
        foreach (var (instruction, arguments) in Instructions(dockerfile))
        {
            switch (instruction)
            {
                case "ARG" when !seenFrom:
                    foreach (var declaration in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var parts = declaration.Split('=', 2);
                        var name = parts[0];
                        globals[name] = buildArgs.TryGetValue(name, out var given) ? given : parts.Length == 2 ? Substitute(Unquote(parts[1]), globals) : "";
                    }

                    break;
                case "FROM":
                    seenFrom = true;
                    var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                    if (words.Length == 0)
                    {
                        break;
                    }

                    var image = Substitute(words[0], globals);
                    if (!stages.Contains(image) && !string.Equals(image, "scratch", StringComparison.OrdinalIgnoreCase))
                    {
                        Add(images, image);
                    }

                    if (words.Length >= 3 && string.Equals(words[1], "AS", StringComparison.OrdinalIgnoreCase))
                    {
                        stages.Add(words[2]);
                    }

                    break;
                case "COPY":
                    // COPY --from names a stage, a stage index or an image.
                    foreach (var from in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.StartsWith("--from=", StringComparison.OrdinalIgnoreCase)))
                    {
                        var source = from["--from=".Length..];
                        if (!stages.Contains(source) && !source.All(char.IsAsciiDigit))
                        {
                            Add(images, source);
                        }
                    }

                    break;
            }
        }

        return images;
    }

    private static void Add(List<string> images, string image)
    {
        if (image.Length > 0 && !images.Contains(image))
        {
            images.Add(image);
        }
    }

    /// <summary>Instructions (upper case) and their arguments, continuation lines joined, comments and the parser directives skipped.</summary>
    private static IEnumerable<(string Instruction, string Arguments)> Instructions(string dockerfile)
    {
        var escape = EscapeDirective().Match(dockerfile) is { Success: true } directive ? directive.Groups[1].Value[0] : '\\';
        var current = new StringBuilder();
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith('#') || (current.Length > 0 && trimmed.Length == 0))
            {
                continue;
            }

            var trimmedEnd = line.TrimEnd();
            if (trimmedEnd.EndsWith(escape))
            {
                current.Append(trimmedEnd[..^1]).Append(' ');
                continue;
            }

            current.Append(line);
            var text = current.ToString().Trim();
            current.Clear();
            if (text.Length == 0)
            {
                continue;
            }

            var space = text.IndexOfAny([' ', '\t']);
            yield return space < 0 ? (text.ToUpperInvariant(), "") : (text[..space].ToUpperInvariant(), text[(space + 1)..].Replace('\t', ' ').Trim());
        }
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'') ? value[1..^1] : value;

    private static string Substitute(string text, IReadOnlyDictionary<string, string> variables) =>
        VariablePattern().Replace(text, match =>
        {
            var name = match.Groups["plain"].Success ? match.Groups["plain"].Value : match.Groups["name"].Value;
            var found = variables.TryGetValue(name, out var value) && value.Length > 0;
            return match.Groups["op"].Value switch
            {
                ":-" => found ? value! : Substitute(match.Groups["word"].Value, variables),
                ":+" => found ? Substitute(match.Groups["word"].Value, variables) : "",
                _ => value ?? "",
            };
        });

    [GeneratedRegex(@"\$(?:(?<plain>[A-Za-z_][A-Za-z0-9_]*)|\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:[-+])(?<word>[^}]*))?\})", RegexOptions.CultureInvariant)]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"\A(?:#[^\n]*\n)*?#\s*escape\s*=\s*([\\`])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex EscapeDirective();
}
