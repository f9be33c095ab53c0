#addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

// Test script: builds the matrix file given as --matrix and prints each leg's image id.
var matrixFile = Argument<string>("matrix");

Task("Default").Does(() =>
{
    var result = DockerBuildMatrix(matrixFile);
    foreach (var leg in result.Legs)
    {
        Information("IMAGE {0} {1}", leg.Name, leg.ImageId);
    }
});

RunTarget("Default");
