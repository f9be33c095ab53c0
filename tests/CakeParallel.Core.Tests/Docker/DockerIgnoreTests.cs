using CakeParallel.Docker;

namespace CakeParallel.Tests.Docker;

/// <summary>.dockerignore patterns with the semantics docker documents (and moby's patternmatcher implements).</summary>
public sealed class DockerIgnoreTests
{
    [Theory]
    // One path segment per "*", "?" one character; a pattern matching a directory matches what is beneath it.
    [InlineData("*/temp*", "somedir/temporary.txt", true)]
    [InlineData("*/temp*", "somedir/temp", true)]
    [InlineData("*/temp*", "somedir/temp/inner.txt", true)]
    [InlineData("*/temp*", "temp.txt", false)]
    [InlineData("*/temp*", "a/b/temp.txt", false)]
    [InlineData("*/*/temp*", "a/b/temp.txt", true)]
    [InlineData("temp?", "tempa", true)]
    [InlineData("temp?", "tempab", false)]
    [InlineData("temp?", "temp/", false)]
    [InlineData("*.txt", "a.txt", true)]
    [InlineData("*.txt", "dir/a.txt", false)]
    // "**" is any number of directories, none included.
    [InlineData("**/*.go", "main.go", true)]
    [InlineData("**/*.go", "cmd/x/main.go", true)]
    [InlineData("a/**/b", "a/b", true)]
    [InlineData("a/**/b", "a/x/y/b", true)]
    [InlineData("a/**/b", "c/a/b", false)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("dir/**", "dir/x", true)]
    // Paths are cleaned: a leading "/" or "./", a trailing "/", "." segments.
    [InlineData("/node_modules", "node_modules/pkg/index.js", true)]
    [InlineData("./node_modules", "node_modules", true)]
    [InlineData("node_modules/", "node_modules/a", true)]
    [InlineData("a/./b/../c", "a/c", true)]
    // Character classes as in Go's filepath.Match.
    [InlineData("[a-c].txt", "b.txt", true)]
    [InlineData("[a-c].txt", "d.txt", false)]
    [InlineData("[!a].txt", "a.txt", false)]
    [InlineData("[!a].txt", "b.txt", true)]
    [InlineData(@"\*.txt", "*.txt", true)]
    [InlineData(@"\*.txt", "a.txt", false)]
    public void APatternExcludesWhatDockerExcludes(string pattern, string path, bool excluded) =>
        DockerIgnore.Parse(pattern).Excludes(path).ShouldBe(excluded, $"'{pattern}' on '{path}'");

    [Fact]
    public void AnExceptionReincludesAndTheLastMatchingPatternWins()
    {
        // The example of docker's documentation.
        var ignore = DockerIgnore.Parse("*.md\n!README*.md\nREADME-secret.md\n");

        ignore.Excludes("CHANGES.md").ShouldBeTrue();
        ignore.Excludes("README.md").ShouldBeFalse();
        ignore.Excludes("README-public.md").ShouldBeFalse();
        ignore.Excludes("README-secret.md").ShouldBeTrue();
        ignore.HasExclusions.ShouldBeTrue();
    }

    [Fact]
    public void AnExceptionBeforeTheExclusionIsOverriddenByIt()
    {
        var ignore = DockerIgnore.Parse("!README*.md\n*.md\n");

        ignore.Excludes("README.md").ShouldBeTrue();
    }

    [Fact]
    public void AFileCanBeBroughtBackFromAnExcludedDirectory()
    {
        var ignore = DockerIgnore.Parse("build\n!build/keep.txt\n");

        ignore.Excludes("build/other.txt").ShouldBeTrue();
        ignore.Excludes("build/keep.txt").ShouldBeFalse();
    }

    [Fact]
    public void CommentLinesBlankLinesAndSurroundingBlanksAreNotPatterns()
    {
        // Only a line that starts with "#" is a comment; a blank before it makes it a pattern, as in docker.
        var ignore = DockerIgnore.Parse("\uFEFF# comment\n\n   \n  logs  \r\n #kept\n");

        ignore.Excludes("# comment").ShouldBeFalse();
        ignore.Excludes("logs/a").ShouldBeTrue();
        ignore.Excludes("#kept").ShouldBeTrue();
        ignore.Excludes("other").ShouldBeFalse();
        ignore.HasExclusions.ShouldBeFalse();
    }

    [Theory]
    [InlineData("", ".")]
    [InlineData("./a/", "a")]
    [InlineData("/a//b/./c/..", "/a/b")]
    [InlineData("../a", "../a")]
    [InlineData("/../a", "/a")]
    public void PathsAreCleanedLikeGosFilepathClean(string path, string cleaned) => DockerIgnore.Clean(path).ShouldBe(cleaned);
}
