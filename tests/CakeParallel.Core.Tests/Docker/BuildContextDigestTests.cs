using System.Diagnostics;
using CakeParallel.Docker;

namespace CakeParallel.Tests.Docker;

/// <summary>The build context's digest: what docker would send, by path, type, mode and content; fast on thousands of files.</summary>
public sealed class BuildContextDigestTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string Context()
    {
        var context = _scratch.PathOf("context");
        Directory.CreateDirectory(Path.Combine(context, "src", "deep"));
        Directory.CreateDirectory(Path.Combine(context, "logs"));
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM local/busybox:1\nCOPY . /app\n");
        File.WriteAllText(Path.Combine(context, ".dockerignore"), "logs\n*.tmp\nDockerfile\n.dockerignore\n");
        File.WriteAllText(Path.Combine(context, "src", "a.txt"), "a");
        File.WriteAllText(Path.Combine(context, "src", "deep", "b.txt"), "b");
        File.WriteAllText(Path.Combine(context, "logs", "run.log"), "1");
        return context;
    }

    private static string Digest(string context)
    {
        var invocation = DockerBuildInvocation.Parse(["build", "--file", Path.Combine(context, "Dockerfile"), context], context);
        return BuildContextDigest.Compute(context, DockerIgnore.Read(BuildInputsHash.IgnoreFile(invocation)), BuildInputsHash.AlwaysSent(invocation)).Digest;
    }

    [Fact]
    public void ContentPathsModesAndNewEntriesChangeItIgnoredFilesAndTimesDoNot()
    {
        var context = Context();
        var first = Digest(context);
        Digest(context).ShouldBe(first, "the same context gives the same digest");

        File.WriteAllText(Path.Combine(context, "logs", "run.log"), "2");
        File.WriteAllText(Path.Combine(context, "scratch.tmp"), "x");
        File.SetLastWriteTimeUtc(Path.Combine(context, "src", "a.txt"), DateTime.UtcNow.AddDays(-3));
        Digest(context).ShouldBe(first, "ignored files and modification times are not sent or not cached on");

        File.WriteAllText(Path.Combine(context, "src", "a.txt"), "A");
        var changed = Digest(context);
        changed.ShouldNotBe(first, "a changed file");

        File.SetUnixFileMode(Path.Combine(context, "src", "a.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var executable = Digest(context);
        executable.ShouldNotBe(changed, "a changed mode");

        File.Move(Path.Combine(context, "src", "deep", "b.txt"), Path.Combine(context, "src", "deep", "c.txt"));
        var renamed = Digest(context);
        renamed.ShouldNotBe(executable, "a renamed file");

        Directory.CreateDirectory(Path.Combine(context, "empty"));
        Digest(context).ShouldNotBe(renamed, "an empty directory is sent too");
    }

    [Fact]
    public void TheDockerfileAndTheIgnoreFileAreAlwaysSent()
    {
        var context = Context();
        var first = Digest(context);

        File.AppendAllText(Path.Combine(context, "Dockerfile"), "RUN true\n");
        var dockerfileChanged = Digest(context);
        dockerfileChanged.ShouldNotBe(first);

        File.AppendAllText(Path.Combine(context, ".dockerignore"), "# note\n");
        Digest(context).ShouldNotBe(dockerfileChanged);
    }

    [Fact]
    public void AnIgnoreFileBesideTheDockerfileWinsOverTheContexts()
    {
        var context = Context();
        File.WriteAllText(Path.Combine(context, "app.Dockerfile"), "FROM local/busybox:1\n");
        File.WriteAllText(Path.Combine(context, "app.Dockerfile.dockerignore"), "src\n");
        var invocation = DockerBuildInvocation.Parse(["build", "--file", "app.Dockerfile", "."], context);

        BuildInputsHash.IgnoreFile(invocation).ShouldBe(Path.Combine(context, "app.Dockerfile.dockerignore"));
        var ignore = DockerIgnore.Read(BuildInputsHash.IgnoreFile(invocation));
        var before = BuildContextDigest.Compute(context, ignore, BuildInputsHash.AlwaysSent(invocation)).Digest;
        File.WriteAllText(Path.Combine(context, "src", "a.txt"), "changed");
        BuildContextDigest.Compute(context, ignore, BuildInputsHash.AlwaysSent(invocation)).Digest.ShouldBe(before);
    }

    [Fact]
    public void AContextOfFourThousandFilesIsHashedQuickly()
    {
        var context = _scratch.PathOf("large");
        for (var d = 0; d < 40; d++)
        {
            var directory = Path.Combine(context, "pkg" + d, "src");
            Directory.CreateDirectory(directory);
            for (var f = 0; f < 100; f++)
            {
                File.WriteAllText(Path.Combine(directory, $"file{f}.js"), new string((char)('a' + f % 26), 2000 + f));
            }
        }

        File.WriteAllText(Path.Combine(context, ".dockerignore"), "**/file9*.js\n!pkg1/src/file90.js\n");
        var ignore = DockerIgnore.Read(Path.Combine(context, ".dockerignore"));
        BuildContextDigest.Compute(context, ignore, new HashSet<string>()); // warm up: JIT and the file cache

        var clock = Stopwatch.StartNew();
        var (_, entries) = BuildContextDigest.Compute(context, ignore, new HashSet<string>());
        clock.Stop();

        // 4000 files, 11 per folder ignored (file9.js, file90-99.js) but one brought back, plus 80 folders and the ignore file.
        entries.ShouldBe(4000 - 40 * 11 + 1 + 80 + 1);
        // About 60 ms idle here; the bound leaves room for a loaded 2-core machine.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3));
    }
}
