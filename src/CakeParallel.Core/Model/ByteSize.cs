using System.Globalization;

namespace CakeParallel.Model;

/// <summary>Amounts of memory as people write them: <c>2GiB</c>, <c>512 MiB</c>, <c>1.5G</c>, <c>4096</c> (bytes).</summary>
public static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("tib", 1L << 40),
        ("kb", 1000L), ("mb", 1000L * 1000), ("gb", 1000L * 1000 * 1000), ("tb", 1000L * 1000 * 1000 * 1000),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("t", 1L << 40), ("b", 1L),
    ];

    /// <summary>Parses an amount; binary units (<c>KiB</c>, <c>MiB</c>, <c>GiB</c>, <c>TiB</c>, and <c>K</c>/<c>M</c>/<c>G</c>/<c>T</c>), decimal units (<c>KB</c>, <c>MB</c>, ...), or bytes.</summary>
    /// <param name="text">The text, e.g. <c>2GiB</c>.</param>
    /// <param name="bytes">The amount in bytes, positive.</param>
    /// <returns>Whether the text is a positive amount.</returns>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var value = text?.Trim().ToLowerInvariant() ?? "";
        var factor = 1L;
        foreach (var (suffix, unitFactor) in Units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal))
            {
                value = value[..^suffix.Length].TrimEnd();
                factor = unitFactor;
                break;
            }
        }

        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0 || number * factor >= long.MaxValue)
        {
            return false;
        }

        bytes = (long)Math.Ceiling(number * factor);
        return true;
    }

    /// <summary>An amount for people: <c>2 GiB</c>, <c>1.1 GiB</c>, <c>512 MiB</c>, <c>900 KiB</c>.</summary>
    /// <param name="bytes">The amount in bytes.</param>
    public static string Format(long bytes)
    {
        string[] names = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        var value = (double)bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < names.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return (unit == 0 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.#", CultureInfo.InvariantCulture)) + " " + names[unit];
    }
}
