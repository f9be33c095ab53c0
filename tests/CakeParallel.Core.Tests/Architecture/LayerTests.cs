using System.Text.RegularExpressions;

namespace CakeParallel.Tests.Architecture;

/// <summary>
/// The engine's folders are layers that depend downward only (README, "Layout"): a file may use its own layer and
/// the layers below it, never one above. Read from the source: <c>using</c> directives and namespace-qualified names.
/// </summary>
public sealed partial class LayerTests
{
    /// <summary>Lowest first, as the README's Layout section lists them.</summary>
    public static readonly string[] Layers = ["Model", "Supervision", "Scheduling", "Matrix", "Docker", "Reports", "Services", "Runs"];

    [Fact]
    public void Every_engine_file_sits_in_a_layer_folder_and_its_namespace_is_that_folder()
    {
        var problems = new List<string>();
        foreach (var (relative, text) in EngineSources())
        {
            var folder = relative.Split('/')[0];
            if (!Layers.Contains(folder))
            {
                problems.Add($"{relative}: not in a layer folder ({string.Join(", ", Layers)})");
                continue;
            }

            var expected = "CakeParallel." + string.Join('.', relative.Split('/')[..^1]);
            var declared = NamespaceDeclaration().Match(text);
            if (!declared.Success || declared.Groups[1].Value != expected)
            {
                problems.Add($"{relative}: namespace '{(declared.Success ? declared.Groups[1].Value : "none")}', expected '{expected}'");
            }
        }

        problems.ShouldBeEmpty();
    }

    [Fact]
    public void No_layer_uses_a_layer_above_it()
    {
        var violations = EngineSources()
            .SelectMany(source => Violations(source.Relative, source.Text))
            .ToList();

        violations.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Model/LegSpec.cs", "using CakeParallel.Supervision;\nnamespace CakeParallel.Model;", "Supervision")]
    [InlineData("Scheduling/SlotGate.cs", "namespace CakeParallel.Scheduling;\nvar r = Reports.JsonRunReport.Read(p);", "Reports")]
    [InlineData("Docker/DockerCli.cs", "using static CakeParallel.Runs.ParallelRunner;\nnamespace CakeParallel.Docker;", "Runs")]
    [InlineData("Matrix/MatrixAxis.cs", "namespace CakeParallel.Matrix;\n/// <see cref=\"CakeParallel.Services.RunningService\"/>", "Services")]
    public void A_forbidden_reference_is_found(string relative, string text, string layer)
    {
        Violations(relative, text).ShouldHaveSingleItem().ShouldContain("uses " + layer);
    }

    [Theory]
    [InlineData("Runs/ParallelRunner.cs", "using CakeParallel.Services;\nusing CakeParallel.Model;\nnamespace CakeParallel.Runs;")]
    [InlineData("Docker/DockerCli.cs", "using CakeParallel.Supervision;\nnamespace CakeParallel.Docker;\n// Reports. are written later")]
    public void A_downward_reference_is_allowed(string relative, string text)
    {
        Violations(relative, text).ShouldBeEmpty();
    }

    private static IEnumerable<string> Violations(string relative, string text)
    {
        var own = Array.IndexOf(Layers, relative.Split('/')[0]);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in UsingDirective().Matches(text))
        {
            used.Add(match.Groups[1].Value);
        }

        foreach (Match match in QualifiedName().Matches(text))
        {
            used.Add(match.Groups[1].Value);
        }

        foreach (var layer in used.Where(l => Array.IndexOf(Layers, l) > own).Order(StringComparer.Ordinal))
        {
            yield return $"{relative} ({Layers[own]}) uses {layer}, a layer above it";
        }
    }

    private static IEnumerable<(string Relative, string Text)> EngineSources()
    {
        var root = Path.Combine(RepositoryRoot.Path, "src", "CakeParallel.Core");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .ToList();
        files.Count.ShouldBeGreaterThan(50, "the engine's sources are found");
        return files.Select(f => (f, File.ReadAllText(Path.Combine(root, f))));
    }


    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?CakeParallel\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    // Partially (Reports.X) or fully (CakeParallel.Reports.X) qualified names, in code or XML docs.
    [GeneratedRegex(@"(?<![\w.])(?:CakeParallel\.)?(Model|Supervision|Scheduling|Matrix|Docker|Reports|Services|Runs)\.[A-Z]\w*")]
    private static partial Regex QualifiedName();
}
