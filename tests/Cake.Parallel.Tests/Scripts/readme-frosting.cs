using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Frosting;
using Cake.Parallel;

public static class Program
{
    public static int Main(string[] args) => new CakeHost().UseContext<BuildContext>().Run(args);
}

public sealed class BuildContext : FrostingContext
{
    public BuildContext(ICakeContext context) : base(context) { }
}

[TaskName("Images")]
public sealed class ImagesTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var result = context.DockerBuildMatrix(new DockerMatrixSettings { MaxParallel = 2 }
            .WithAxis("variant", "slim", "full")
            .SetContext("./docker")
            .WithTag("myapp:{variant}"));
        context.Information("{0}", result.CountsDisplay);
    }
}

[TaskName("Default")]
[IsDependentOn(typeof(ImagesTask))]
public sealed class DefaultTask : FrostingTask<BuildContext>
{
}
