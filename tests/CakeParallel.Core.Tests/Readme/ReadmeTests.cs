namespace CakeParallel.Tests.Readme;

public sealed class ReadmeTests
{
    private static string RepositoryFile(string relative) => Path.Combine(RepositoryRoot.Path, relative);

    [Fact]
    public void The_engine_example_in_the_README_is_the_compiled_snippet()
    {
        var source = File.ReadAllLines(RepositoryFile("tests/CakeParallel.Core.Tests/Readme/EngineSnippet.cs"));
        var body = source.SkipWhile(l => !l.Contains("// snippet-start")).Skip(1).TakeWhile(l => !l.Contains("// snippet-end")).ToList();
        var indent = body.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        var snippet = "using CakeParallel.Model;\nusing CakeParallel.Runs;\n\n" + string.Join("\n", body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));

        var readme = File.ReadAllText(RepositoryFile("README.md")).Replace("\r\n", "\n");

        readme.ShouldContain("```csharp\n" + snippet + "\n```");
    }
}
