#addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

var target = Argument("target", "Images");

// One image per combination of the axes; {variant} is each leg's value (also passed as --build-arg variant=...).
Task("Images").Does(() =>
{
    var result = DockerBuildMatrix(new DockerMatrixSettings { MaxParallel = 2, Timeout = TimeSpan.FromMinutes(20) }
        .WithAxis("variant", "slim", "full")
        .SetContext("./docker")
        .WithTag("cakeparallel-example:{variant}")
        .WithLabel("org.opencontainers.image.version", "{variant}"));
    foreach (var leg in result.Legs)
    {
        Information("{0} -> {1}", leg.Name, leg.ImageId);
    }
});

// The same kind of build from a matrix file that MSBuild and CI can share.
Task("ImagesFromFile").Does(() =>
{
    DockerBuildMatrix("./docker/matrix.json", new ParallelSettings { OutputMode = ParallelOutputMode.Grouped });
});

RunTarget(target);
