using System.Globalization;

namespace CakeParallel.Model;

/// <summary>
/// A named pool of slots that every run on the machine draws from, whatever process runs it (Cake scripts, the
/// nodes of a <c>dotnet build -m</c>, separate CI jobs): each attempt holds one slot of the pool while it runs.
/// The count given when the pool is first created wins.
/// </summary>
/// <param name="Name">The pool's name: letters, digits, <c>.</c>, <c>_</c> and <c>-</c>, at most 100 characters.</param>
/// <param name="Count">How many attempts of all runs naming the pool may run at once, at least 1.</param>
public sealed record SharedSlots(string Name, int Count)
{
    /// <summary>Parses <c>name:N</c>, as in <c>CAKEPARALLEL_SHARED_SLOTS=builds:4</c>; <see langword="null"/> when malformed.</summary>
    /// <param name="text">The text to parse.</param>
    public static SharedSlots? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return null;
        }

        var slots = new SharedSlots(text[..colon].Trim(), count);
        return slots.Problem is null ? slots : null;
    }

    /// <summary>Why the name or count is not usable, or <see langword="null"/> when both are.</summary>
    public string? Problem =>
        Count < 1 ? $"the count must be at least 1, but is {Count}"
        : Name.Length is 0 or > 100 || Name is "." or ".." || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? $"the name '{Name}' must be 1 to 100 letters, digits, '.', '_' or '-'"
            : null;

    /// <summary>The pool as <c>name:N</c>.</summary>
    public override string ToString() => Name + ":" + Count.ToString(CultureInfo.InvariantCulture);
}
