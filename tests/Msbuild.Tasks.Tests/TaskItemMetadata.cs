using Microsoft.Build.Utilities;

namespace CakeParallel.MSBuild.Tests;

internal static class TaskItemMetadata
{
    /// <summary>Sets metadata given in MSBuild's escaped form (as a project file would hold it) and returns the item.</summary>
    public static TaskItem With(this TaskItem item, string name, string escapedValue)
    {
        item.SetMetadata(name, escapedValue);
        return item;
    }
}

/// <summary>Escapes text the way a project file author would write it literally.</summary>
internal static class MSBuildText
{
    public static string Escape(string text) =>
        string.Concat(text.Select(c => "%*?@$();'".Contains(c) ? "%" + ((int)c).ToString("x2") : c.ToString()));
}
