using Microsoft.Build.Utilities;

namespace CakeParallel.MSBuild.Tests;

/// <summary>The <c>Commands</c> items of <see cref="ParallelExec"/>, written as a project file author would.</summary>
internal static class CommandItems
{
    public static TaskItem Shell(string name, string command) =>
        new TaskItem(MSBuildText.Escape(name)).With("Command", MSBuildText.Escape(command));

    public static TaskItem Leg(string name, string executable, string? arguments = null)
    {
        var item = new TaskItem(MSBuildText.Escape(name)).With("Executable", MSBuildText.Escape(executable));
        return arguments is null ? item : item.With("Arguments", arguments);
    }
}
