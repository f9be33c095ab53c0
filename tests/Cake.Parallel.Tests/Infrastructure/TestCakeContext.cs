using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Cake.Parallel.Tests.Infrastructure;

/// <summary>The parts of a Cake context the aliases use: the environment (working directory) and the log.</summary>
internal sealed class TestCakeContext : ICakeContext
{
    public TestCakeContext(string workingDirectory, Verbosity verbosity = Verbosity.Normal)
    {
        Environment = new FixedDirectoryEnvironment(workingDirectory);
        Log = new RecordingCakeLog(verbosity);
    }

    public RecordingCakeLog Log { get; }

    public ICakeEnvironment Environment { get; }

    ICakeLog ICakeContext.Log => Log;

    public IServiceProvider? ServiceProvider => null;

    public IFileSystem FileSystem => throw Unused();

    public IGlobber Globber => throw Unused();

    public ICakeArguments Arguments => throw Unused();

    public IProcessRunner ProcessRunner => throw Unused();

    public IRegistry Registry => throw Unused();

    public IToolLocator Tools => throw Unused();

    public ICakeDataResolver Data => throw Unused();

    public ICakeConfiguration Configuration => throw Unused();

    public IToolInstaller ToolInstaller => throw Unused();

    private static NotSupportedException Unused() => new("The aliases under test do not use this part of the Cake context.");

    /// <summary>A Cake environment whose working directory is fixed, so tests never change the process's current directory.</summary>
    private sealed class FixedDirectoryEnvironment(string workingDirectory) : ICakeEnvironment
    {
        private readonly CakeEnvironment _real = new(new CakePlatform(), new CakeRuntime());

        public DirectoryPath WorkingDirectory { get; set; } = new(workingDirectory);

        public DirectoryPath ApplicationRoot => _real.ApplicationRoot;

        public DirectoryPath UserHomeDirectory => _real.UserHomeDirectory;

        public ICakePlatform Platform => _real.Platform;

        public ICakeRuntime Runtime => _real.Runtime;

        public DirectoryPath GetSpecialPath(SpecialPath path) => _real.GetSpecialPath(path);

        public string GetEnvironmentVariable(string variable) => _real.GetEnvironmentVariable(variable);

        public IDictionary<string, string> GetEnvironmentVariables() => _real.GetEnvironmentVariables();
    }
}
