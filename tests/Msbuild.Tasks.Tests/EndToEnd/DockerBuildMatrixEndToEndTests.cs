using CakeParallel.MSBuild.Tests.Docker;

namespace CakeParallel.MSBuild.Tests.EndToEnd;

[Collection(MSBuildEndToEnd.Name)]
public sealed class DockerBuildMatrixEndToEndTests(TaskPackageFeed feed)
{
    [DockerFact]
    public async Task Axes_items_build_images_and_a_failing_step_fails_the_build_with_the_docker_error()
    {
        using var docker = new DockerTestEnvironment();
        var consumer = feed.NewConsumer("docker-items");
        Directory.CreateDirectory(Path.Combine(consumer.Directory, "image"));
        File.WriteAllText(Path.Combine(consumer.Directory, "image", "Dockerfile"), $"""
            FROM {DockerTestEnvironment.BaseImage}
            ARG os
            ARG tier
            RUN echo "building $os/$tier" && test "$tier" != broken # {docker.Repository}
            """);
        consumer.WithBody($"""
              <ItemGroup>
                <Axis Include="os" Values="alpine;debian" />
                <Axis Include="tier" Values="web;broken" />
                <Skip Include="no-debian-broken" os="debian" tier="broken" />
              </ItemGroup>
              <Target Name="Images">
                <DockerBuildMatrix Axes="@(Axis)" Exclude="@(Skip)" Context="image" Tags="{docker.Repository}:{"{os}"}-{"{tier}"}"
                                   Labels="org.opencontainers.image.title=app {"{tier}"}" MaxParallel="2" DockerExecutable="/usr/local/bin/docker">
                  <Output TaskParameter="Results" ItemName="Image" />
                </DockerBuildMatrix>
              </Target>
            """);

        var run = await consumer.BuildAsync("Images", "Image");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Items.Select(i => i["Identity"]).ShouldBe(["alpine-web", "alpine-broken", "debian-web"], run.ToString());
        foreach (var name in new[] { "alpine-web", "debian-web" })
        {
            var image = run.Item(name);
            image["Status"].ShouldBe("Succeeded");
            image["Tags"].ShouldBe($"{docker.Repository}:{name}");
            image["ImageId"].ShouldBe(DockerTestEnvironment.ImageId(image["Tags"]));
            image["Parameters"].ShouldBe($"os={name.Split('-')[0]};tier=web");
        }

        var broken = run.Item("alpine-broken");
        broken["Status"].ShouldBe("Failed");
        broken["Attempts"].ShouldBe("1", "a failing RUN step is deterministic and never retried");
        run.Log.ShouldContain("error CPAR0101: leg 'alpine-broken' failed: ", Case.Sensitive);
        run.Log.ShouldContain("[debian-web] ");
        DockerTestEnvironment.ImageId($"{docker.Repository}:alpine-broken").ShouldBeNull();
    }

    [DockerFact]
    public async Task A_matrix_file_drives_the_build_and_task_parameters_override_its_settings()
    {
        using var docker = new DockerTestEnvironment();
        var consumer = feed.NewConsumer("docker-file");
        var build = Path.Combine(consumer.Directory, "build");
        Directory.CreateDirectory(build);
        File.WriteAllText(Path.Combine(build, "Dockerfile"), $"""
            FROM {DockerTestEnvironment.BaseImage}
            ARG node
            ARG greeting
            RUN echo "$greeting from node $node" # {docker.Repository}
            """);
        File.WriteAllText(Path.Combine(build, "matrix.json"), $$"""
            {
              "matrix": { "node": ["20", "22"] },
              "build": {
                "context": ".",
                "tags": ["{{docker.Repository}}:file-{node}"],
                "buildArgs": { "greeting": "hello" },
                "legName": "node{node}",
                "maxParallel": 1,
                "timeout": "1s"
              }
            }
            """);
        consumer.WithBody($$"""
              <Target Name="Images">
                <DockerBuildMatrix MatrixFile="build/matrix.json" Tags="{{docker.Repository}}:task-{node}" BuildArgs="greeting=hi %3B all" Timeout="120000" MaxParallel="2">
                  <Output TaskParameter="Results" ItemName="Image" />
                </DockerBuildMatrix>
              </Target>
            """);

        var run = await consumer.BuildAsync("Images", "Image");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Items.Select(i => i["Identity"]).ShouldBe(["node20", "node22"]);
        run.Item("node22")["Tags"].ShouldBe($"{docker.Repository}:task-22");
        run.Item("node22")["node"].ShouldBe("22");
        DockerTestEnvironment.ImageId($"{docker.Repository}:task-20").ShouldNotBeNull();
        DockerTestEnvironment.ImageId($"{docker.Repository}:file-20").ShouldBeNull();
        run.Log.ShouldContain("[node20] hi ; all from node 20", Case.Sensitive);
    }

    [DockerFact]
    public async Task An_unchanged_matrix_is_UpToDate_a_success_and_Rebuild_builds_it_again()
    {
        using var docker = new DockerTestEnvironment();
        var consumer = feed.NewConsumer("docker-up-to-date");
        Directory.CreateDirectory(Path.Combine(consumer.Directory, "image"));
        File.WriteAllText(Path.Combine(consumer.Directory, "image", "Dockerfile"), $"""
            FROM {DockerTestEnvironment.BaseImage}
            ARG os
            RUN echo "building $os" # {docker.Repository}
            """);
        consumer.WithBody($"""
              <ItemGroup>
                <Axis Include="os" Values="alpine;debian" />
              </ItemGroup>
              <Target Name="Images">
                <DockerBuildMatrix Axes="@(Axis)" Context="image" Tags="{docker.Repository}:{"{os}"}" Rebuild="$(Rebuild)" DockerExecutable="/usr/local/bin/docker">
                  <Output TaskParameter="Results" ItemName="Image" />
                </DockerBuildMatrix>
              </Target>
            """);

        var first = await consumer.BuildAsync("Images", "Image", arguments: ["-p:Rebuild=false"]);
        first.ExitCode.ShouldBe(0, first.ToString());
        first.Items.ShouldAllBe(i => i["Status"] == "Succeeded");

        var second = await consumer.BuildAsync("Images", "Image", arguments: ["-p:Rebuild=false"]);

        second.ExitCode.ShouldBe(0, second.ToString());
        foreach (var image in second.Items)
        {
            image["Status"].ShouldBe("UpToDate");
            image["Attempts"].ShouldBe("0");
            image["ImageId"].ShouldBe(DockerTestEnvironment.ImageId(image["Tags"]));
            image["InputsHash"].ShouldBe(first.Item(image["Identity"])["InputsHash"]);
            image["InputsHash"].ShouldStartWith("sha256:");
        }

        second.Log.ShouldContain("[alpine] up to date in ");
        second.ErrorLines.ShouldBeEmpty();

        var forced = await consumer.BuildAsync("Images", "Image", arguments: ["-p:Rebuild=true"]);
        forced.ExitCode.ShouldBe(0, forced.ToString());
        forced.Items.ShouldAllBe(i => i["Status"] == "Succeeded" && i["Attempts"] == "1");
    }
}
