using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Cake.Parallel.Tests.Infrastructure;

/// <summary>
/// The parts of a Cake context the aliases use: the environment (working directory and variables), the log and
/// the tool locator.
/// The CI variables of the machine running the tests are hidden, so a test sees CI only when it sets it.
/// </summary>
internal sealed class TestCakeContext : ICakeContext
{
    public TestCakeContext(string workingDirectory, Verbosity verbosity = Verbosity.Normal, IReadOnlyDictionary<string, string?>? variables = null)
    {
        Environment = new FixedDirectoryEnvironment(workingDirectory, CiVariables.Hidden(variables ?? new Dictionary<string, string?>()));
        Log = new RecordingCakeLog(verbosity);

        // Cake's own tool resolution, over the real file system, as the docker aliases use it.
        var fileSystem = new FileSystem();
        var configuration = new CakeConfiguration(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
        Tools = new ToolLocator(Environment, new ToolRepository(Environment), new ToolResolutionStrategy(fileSystem, Environment, new Globber(fileSystem, Environment), configuration, Log));
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

    public IToolLocator Tools { get; }

    public ICakeDataResolver Data => throw Unused();

    public ICakeConfiguration Configuration => throw Unused();

    public IToolInstaller ToolInstaller => throw Unused();

    private static NotSupportedException Unused() => new("The aliases under test do not use this part of the Cake context.");

    /// <summary>
    /// A Cake environment whose working directory is fixed and whose variables are the process's with overrides (a
    /// null value hides one), so tests never change the process's current directory or environment.
    /// </summary>
    private sealed class FixedDirectoryEnvironment(string workingDirectory, IReadOnlyDictionary<string, string?> overrides) : ICakeEnvironment
    {
        private readonly CakeEnvironment _real = new(new CakePlatform(), new CakeRuntime());

        public DirectoryPath WorkingDirectory { get; set; } = new(workingDirectory);

        public DirectoryPath ApplicationRoot => _real.ApplicationRoot;

        public DirectoryPath UserHomeDirectory => _real.UserHomeDirectory;

        public ICakePlatform Platform => _real.Platform;

        public ICakeRuntime Runtime => _real.Runtime;

        public DirectoryPath GetSpecialPath(SpecialPath path) => _real.GetSpecialPath(path);

        public string GetEnvironmentVariable(string variable) =>
            overrides.TryGetValue(variable, out var value) ? value! : _real.GetEnvironmentVariable(variable);

        public IDictionary<string, string> GetEnvironmentVariables()
        {
            var variables = new Dictionary<string, string>(_real.GetEnvironmentVariables(), StringComparer.Ordinal);
            foreach (var (name, value) in overrides)
            {
                if (value is null)
                {
                    variables.Remove(name);
                }
                else
                {
                    variables[name] = value;
                }
            }

            return variables;
        }
    }
}
