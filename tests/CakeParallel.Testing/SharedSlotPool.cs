namespace CakeParallel.Testing;

/// <summary>
/// A machine-wide shared slot pool of one test's own (a fresh name, so test runs on the machine never share it);
/// disposing removes its folder under <c>/tmp/cakeparallel-slots</c>.
/// </summary>
public sealed class SharedSlotPool(string prefix = "test") : IDisposable
{
    /// <summary>The pool's name, as <c>SharedSlots</c> and <c>CAKEPARALLEL_SHARED_SLOTS</c> take it.</summary>
    public string Name { get; } = prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The folder holding the pool's slot files.</summary>
    public string Folder => Path.Combine("/tmp/cakeparallel-slots", Name);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // The test never took a slot.
        }
        catch (IOException)
        {
            // Left for the next boot's /tmp cleaning.
        }
    }
}
