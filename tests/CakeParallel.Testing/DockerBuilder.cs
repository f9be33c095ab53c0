namespace CakeParallel.Testing;

/// <summary>The two builders on this kind of machine: the classic builder of the 28.x client, and BuildKit through the 20.10 client.</summary>
public sealed record DockerBuilder(string Name, string Executable, bool BuildKit)
{
    public static DockerBuilder Classic { get; } = new("classic", "/usr/local/bin/docker", false);

    public static DockerBuilder BuildKitClient { get; } = new("buildkit", "/usr/bin/docker", true);

    public static IReadOnlyList<DockerBuilder> All { get; } = [Classic, BuildKitClient];

    public static DockerBuilder Named(string name) => All.Single(b => b.Name == name);
}
