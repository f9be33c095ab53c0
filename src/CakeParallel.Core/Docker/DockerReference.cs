using System.Text.RegularExpressions;

namespace CakeParallel.Docker;

/// <summary>Checks image references for <c>docker build --tag</c>: <c>[host[:port]/]path[:tag]</c> as docker's reference grammar defines them.</summary>
internal static partial class DockerReference
{
    /// <summary>Why <paramref name="reference"/> is not a valid tag, or <see langword="null"/> when it is.</summary>
    public static string? Problem(string reference)
    {
        if (reference.Length == 0)
        {
            return "the tag is empty.";
        }

        if (reference.Contains('@'))
        {
            return $"'{reference}' has a digest; a build can only write tags (name[:tag]).";
        }

        var match = TagPattern().Match(reference);
        if (!match.Success)
        {
            return reference.Any(char.IsUpper) && TagPattern().IsMatch(reference.ToLowerInvariant())
                ? $"'{reference}' has upper-case letters in its repository name; docker allows only lower case there."
                : $"'{reference}' is not a valid docker reference ([registry[:port]/]name[:tag]; lower-case name parts separated by '/', tag of letters, digits, '_', '.', '-').";
        }

        return match.Groups["name"].Value.Length > 255 ? $"'{reference}' has a repository name longer than 255 characters." : null;
    }

    /// <summary>The repository of a valid tag: <c>127.0.0.1:5000/app:1</c> → <c>127.0.0.1:5000/app</c>.</summary>
    public static string Repository(string reference) => TagPattern().Match(reference) is { Success: true } match ? match.Groups["name"].Value : reference;

    /// <summary>The tag of a valid tag reference, <c>latest</c> when it names none: <c>127.0.0.1:5000/app:1</c> → <c>1</c>.</summary>
    public static string Tag(string reference)
    {
        var repository = Repository(reference);
        return reference.Length > repository.Length + 1 ? reference[(repository.Length + 1)..] : "latest";
    }

    /// <summary>
    /// The registry of a repository and the repository's path in it, as docker resolves them: a first component
    /// with a '.' or ':', an upper-case letter, or <c>localhost</c> is a registry; else it is Docker Hub
    /// (<c>docker.io</c>), whose one-component names live under <c>library/</c>.
    /// </summary>
    public static (string Registry, string Path) Locate(string repository)
    {
        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var first = repository[..slash];
            if (first.Contains('.') || first.Contains(':') || first.Any(char.IsUpper) || first == "localhost")
            {
                return (first, repository[(slash + 1)..]);
            }
        }

        return ("docker.io", slash > 0 ? repository : "library/" + repository);
    }

    [GeneratedRegex(@"^(?<name>(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::[\w][\w.-]{0,127})?$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
