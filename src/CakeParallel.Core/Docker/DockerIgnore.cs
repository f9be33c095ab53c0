using System.Text;
using System.Text.RegularExpressions;

namespace CakeParallel.Docker;

/// <summary>
/// The patterns of a <c>.dockerignore</c> file with docker's semantics (moby's <c>patternmatcher</c>): one pattern
/// a line, <c>#</c> comment lines, leading and trailing blanks trimmed, paths cleaned (<c>./a</c>, <c>/a</c> and
/// <c>a/</c> are <c>a</c>), <c>*</c> and <c>?</c> within one path segment, <c>[...]</c> classes, <c>**</c> for any
/// number of directories, <c>!</c> re-including what an earlier pattern excluded; the last matching pattern decides,
/// and a pattern that matches a directory matches everything beneath it.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly IReadOnlyList<(Regex Pattern, bool Exclusion)> _patterns;

    private DockerIgnore(IReadOnlyList<(Regex, bool)> patterns) => _patterns = patterns;

    /// <summary>An ignore file that ignores nothing.</summary>
    public static DockerIgnore None { get; } = new([]);

    /// <summary>True when some pattern re-includes (<c>!</c>), so an excluded directory may still hold sent files.</summary>
    public bool HasExclusions => _patterns.Any(p => p.Exclusion);

    /// <summary>Reads the patterns of <paramref name="text"/>, a <c>.dockerignore</c> file's content.</summary>
    /// <exception cref="FormatException">A pattern is not valid (docker refuses the build for it too).</exception>
    public static DockerIgnore Parse(string text)
    {
        var patterns = new List<(Regex, bool)>();
        foreach (var raw in text.TrimStart('\uFEFF').Split('\n'))
        {
            // Docker drops comment lines before trimming, so " # x" is a pattern.
            if (raw.StartsWith('#'))
            {
                continue;
            }

            var pattern = raw.Trim();
            if (pattern.Length == 0)
            {
                continue;
            }

            var exclusion = pattern[0] == '!';
            if (exclusion)
            {
                pattern = pattern[1..].Trim();
            }

            pattern = Clean(pattern);
            if (pattern.Length > 1 && pattern[0] == '/')
            {
                pattern = pattern[1..];
            }

            patterns.Add((ToRegex(pattern), exclusion));
        }

        return new DockerIgnore(patterns);
    }

    /// <summary>Reads the ignore file at <paramref name="path"/>, or <see cref="None"/> when there is none.</summary>
    public static DockerIgnore Read(string? path) => path is not null && File.Exists(path) ? Parse(File.ReadAllText(path)) : None;

    /// <summary>True when docker leaves <paramref name="relativePath"/> (slash-separated, relative to the context) out of the context.</summary>
    public bool Excludes(string relativePath)
    {
        var matched = false;
        var parents = relativePath.Split('/')[..^1];
        foreach (var (pattern, exclusion) in _patterns)
        {
            // An inclusion cannot change an excluded path, an exclusion cannot change an included one.
            if (exclusion != matched)
            {
                continue;
            }

            var match = pattern.IsMatch(relativePath);
            for (var i = 1; !match && i <= parents.Length; i++)
            {
                match = pattern.IsMatch(string.Join('/', parents[..i]));
            }

            if (match)
            {
                matched = !exclusion;
            }
        }

        return matched;
    }

    /// <summary>Go's <c>filepath.Clean</c> on a slash path: no empty or <c>.</c> segments, <c>..</c> resolved lexically, no trailing slash.</summary>
    internal static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".." || !rooted)
            {
                parts.Add(part);
            }
        }

        var joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    // "**/" is "**": any number of directories, none included.
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                    }

                    regex.Append(i + 1 == pattern.Length ? ".*" : "(.*/)?");
                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    // A class as in Go's filepath.Match, where "[!...]" and "[^...]" both negate.
                    regex.Append('[');
                    if (i + 1 < pattern.Length && pattern[i + 1] is '!' or '^')
                    {
                        regex.Append('^');
                        i++;
                    }

                    break;
                case ']':
                    regex.Append(']');
                    break;
                case '\\' when i + 1 < pattern.Length:
                    i++;
                    regex.Append(Regex.Escape(pattern[i].ToString()));
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        try
        {
            return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
        catch (ArgumentException exception)
        {
            throw new FormatException($"'{pattern}' is not a valid .dockerignore pattern: {exception.Message}", exception);
        }
    }
}
