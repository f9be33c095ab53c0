namespace CakeParallel.Scheduling;

/// <summary>
/// Keeps a long run's short-lived garbage from growing its host by the GC's whole youngest-generation budget: where a
/// run's work has allocated (a leg has ended; a report has rendered a leg), once the process has allocated the bound
/// (<see cref="BeforeFirstCollection"/>, then <see cref="AfterFirstCollection"/>) since generation 0 was last
/// collected, it is collected.
/// </summary>
/// <remarks>
/// The workstation GC collects generation 0 when its allocation budget is used up, and sets that budget when the
/// runtime starts from the size of the machine's last-level cache: about half of it, 52 MB on a machine with a 105 MiB
/// L3. Every page of the budget is written before the first collection, so a run that allocates past it (10,000 legs
/// with every report allocate about 260 MB, and the host logs each leg too) grows the host's resident memory by the
/// whole budget, however little it keeps: measured in <c>dotnet cake</c>, 79 MB for those legs. A host cannot lower the
/// budget once it runs, and a library cannot set it. Collecting generation 0 at the bound instead keeps the garbage
/// in memory the GC has already touched; a collection of a run's few live young objects takes well under a
/// millisecond, about 25 of them for those 10,000 legs. Where the GC's own budget is smaller it collects first, and
/// this does nothing.
/// <para>
/// Why 16 MB and not less: the first collection in a host that has not collected since it compiled a Cake script
/// marks and moves everything the compile left, 70–110 ms, and a forced one made it happen in runs that would never
/// have collected. 1000 legs of a short command allocate 10–14 MB with the host's logging; at 8 MB that collection
/// took a sixth of such a run in <c>dotnet cake</c>. 16 MB keeps those runs free of it.
/// </para>
/// <para>
/// Once generation 0 has been collected after the process first looked (here or by the GC), that cost is paid and
/// later collections are cheap, so the bound is <see cref="AfterFirstCollection"/>: with 16 MB throughout, 10,000 legs
/// with every report grew <c>dotnet cake</c> by 56–72 MB (five runs); with 8 MB after the first, by 49–52 MB.
/// </para>
/// </remarks>
internal static class YoungGenerationBound
{
    /// <summary>The bytes allocated before the first collection of generation 0, at most (plus what one leg's work allocates).</summary>
    internal const long BeforeFirstCollection = 16 * 1024 * 1024;

    /// <summary>The bytes allocated between two later collections of generation 0, at most (plus what one leg's work allocates).</summary>
    internal const long AfterFirstCollection = 8 * 1024 * 1024;

    private static readonly Lock Gate = new();
    private static long _allocatedAtCollection;
    private static int _collections = -1;
    private static int _collectionsAtFirstLook = -1;

    /// <summary>Collects generation 0 when the bound's bytes were allocated since it was last collected.</summary>
    public static void Check()
    {
        lock (Gate)
        {
            // The imprecise count leaves out each thread's current allocation quantum (a few kB): cheap, and close enough.
            var allocated = GC.GetTotalAllocatedBytes(precise: false);
            var collections = GC.CollectionCount(0);
            if (_collectionsAtFirstLook < 0)
            {
                _collectionsAtFirstLook = collections;
            }

            if (collections != _collections)
            {
                // Collected since the last look (by the GC itself, or here): count from now.
                _collections = collections;
                _allocatedAtCollection = allocated;
                return;
            }

            if (allocated - _allocatedAtCollection < (collections > _collectionsAtFirstLook ? AfterFirstCollection : BeforeFirstCollection))
            {
                return;
            }

            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            _collections = GC.CollectionCount(0);
            _allocatedAtCollection = allocated;
        }
    }
}
