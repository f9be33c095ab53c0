using System.Globalization;
using System.Text;

namespace CakeParallel.Matrix;

/// <summary>The kind of a <see cref="MatrixValue"/>, as in JSON (and in GitHub Actions expressions).</summary>
public enum MatrixValueKind
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A number, kept as spelled (<c>3.10</c> stays <c>3.10</c>) but compared by value.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>An object of named values, e.g. <c>{ "version": 20, "env": "NODE_OPTIONS=..." }</c> (matrix files only).</summary>
    Object,
}

/// <summary>
/// One value of a matrix axis, include or exclude entry. Include and exclude entries match values the way GitHub
/// Actions' <c>==</c> does: strings ignore case, numbers compare by value, a string compared with a number or a
/// boolean is converted to a number, and an object matches when every key it names matches (keys ignore case).
/// </summary>
/// <remarks>
/// A string converts implicitly with <see cref="FromText"/>: Cake settings and MSBuild items only have text, so text
/// spelled as a number (<c>12</c>, <c>12.0</c>) is a number there, the way YAML reads an unquoted <c>12</c>.
/// <see cref="Equals(MatrixValue?)"/> is identity of kind and spelling (<c>12</c> is not <c>12.0</c>), not the
/// matching rule.
/// </remarks>
public sealed class MatrixValue : IEquatable<MatrixValue>
{
    private static readonly KeyValuePair<string, MatrixValue>[] NoProperties = [];

    // The value as a number when it meets a value of another kind (GitHub's coercion), computed once per value so
    // that expanding a large matrix never parses text per comparison.
    private readonly double _number;

    private MatrixValue(MatrixValueKind kind, string text, double number, KeyValuePair<string, MatrixValue>[] properties)
    {
        Kind = kind;
        Text = text;
        _number = number;
        Properties = properties;
    }

    /// <summary>The value's kind.</summary>
    public MatrixValueKind Kind { get; }

    /// <summary>
    /// A scalar's text as legs receive it: a string as is, a number as spelled, <c>true</c>/<c>false</c>; for an
    /// object, its canonical JSON form (keys in declaration order).
    /// </summary>
    public string Text { get; }

    /// <summary>An object's named values in declaration order; empty for scalars.</summary>
    public IReadOnlyList<KeyValuePair<string, MatrixValue>> Properties { get; }

    /// <summary>A string value.</summary>
    /// <param name="text">The text.</param>
    public static MatrixValue String(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(MatrixValueKind.String, text, CoerceToNumber(text), NoProperties);
    }

    /// <summary>A number value that keeps its spelling.</summary>
    /// <param name="spelling">A JSON number, e.g. <c>20</c>, <c>3.10</c>, <c>-1.5e3</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="spelling"/> is not a JSON number.</exception>
    public static MatrixValue Number(string spelling)
    {
        ArgumentNullException.ThrowIfNull(spelling);
        if (!IsJsonNumber(spelling))
        {
            throw new ArgumentException($"'{spelling}' is not a JSON number.", nameof(spelling));
        }

        return new(MatrixValueKind.Number, spelling, double.Parse(spelling, NumberStyles.Float, CultureInfo.InvariantCulture), NoProperties);
    }

    /// <summary>A boolean value (<c>true</c> or <c>false</c>).</summary>
    /// <param name="value">The value.</param>
    public static MatrixValue Boolean(bool value) => new(MatrixValueKind.Boolean, value ? "true" : "false", value ? 1 : 0, NoProperties);

    /// <summary>An object value; its keys must be distinct regardless of case.</summary>
    /// <param name="properties">The named values, in order.</param>
    /// <exception cref="ArgumentException">Two keys differ only in case, or a key is blank.</exception>
    public static MatrixValue Object(IEnumerable<KeyValuePair<string, MatrixValue>> properties)
    {
        var list = properties.ToArray();
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var json = new StringBuilder("{");
        foreach (var (key, value) in list)
        {
            if (string.IsNullOrWhiteSpace(key) || !keys.Add(key))
            {
                throw new ArgumentException($"object key '{key}' is blank or given twice (keys ignore case).", nameof(properties));
            }

            json.Append(json.Length > 1 ? "," : "").Append(Quote(key)).Append(':').Append(value.Kind == MatrixValueKind.String ? Quote(value.Text) : value.Text);
        }

        return new(MatrixValueKind.Object, json.Append('}').ToString(), double.NaN, list);
    }

    /// <summary>Text read the way YAML reads an unquoted scalar's number: a number when spelled as a JSON number (<c>12</c>, <c>12.0</c>), else a string.</summary>
    /// <param name="text">The text.</param>
    public static MatrixValue FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IsJsonNumber(text) ? Number(text) : String(text);
    }

    /// <summary>Converts text with <see cref="FromText"/>.</summary>
    /// <param name="text">The text.</param>
    public static implicit operator MatrixValue(string text) => FromText(text);

    /// <summary>
    /// Whether this value (a leg's) matches <paramref name="filter"/> (an include's or exclude's), as GitHub Actions'
    /// <c>matrix[key] == value</c> does for every scalar <paramref name="filter"/> names.
    /// </summary>
    internal bool Matches(MatrixValue filter)
    {
        if (filter.Kind == MatrixValueKind.Object)
        {
            // GitHub compares each leaf the filter names (matrix.node.version == 20); a key the value lacks never matches here.
            foreach (var (key, expected) in filter.Properties)
            {
                if (Property(key) is not { } actual || !actual.Matches(expected))
                {
                    return false;
                }
            }

            return true;
        }

        if (Kind == MatrixValueKind.Object)
        {
            return false;
        }

        if (Kind == filter.Kind)
        {
            return Kind switch
            {
                MatrixValueKind.String => string.Equals(Text, filter.Text, StringComparison.OrdinalIgnoreCase),
                _ => _number == filter._number,
            };
        }

        // Mixed kinds: both become numbers; NaN (text that is no number) equals nothing.
        return _number == filter._number;
    }

    /// <summary>The object's value for <paramref name="key"/> (ignoring case), or <see langword="null"/>.</summary>
    internal MatrixValue? Property(string key)
    {
        foreach (var (name, value) in Properties)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public bool Equals(MatrixValue? other) => other is not null && Kind == other.Kind && string.Equals(Text, other.Text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as MatrixValue);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(Text));

    /// <summary>The value's <see cref="Text"/>.</summary>
    public override string ToString() => Text;

    /// <summary>Whether <paramref name="text"/> is a number in JSON's grammar (no sign but <c>-</c>, no leading zeros, no blanks).</summary>
    private static bool IsJsonNumber(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        if (i >= text.Length || !char.IsAsciiDigit(text[i]))
        {
            return false;
        }

        if (text[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && text[i] == '.')
        {
            if (!Digits(text, ref i))
            {
                return false;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            if (i + 1 < text.Length && text[i + 1] is '+' or '-')
            {
                i++;
            }

            if (!Digits(text, ref i))
            {
                return false;
            }
        }

        return i == text.Length;
    }

    // Skips the character at i and then at least one digit.
    private static bool Digits(string text, ref int i)
    {
        var start = ++i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i > start;
    }

    /// <summary>GitHub's conversion of a string met by a number: JavaScript's <c>Number()</c>, with blank text as 0 and anything else NaN.</summary>
    private static double CoerceToNumber(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return 0;
        }

        if (double.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        // JavaScript's 0x (hex) and 0o (octal) integers, as GitHub's expression engine reads them.
        if (trimmed.Length > 2 && trimmed[0] == '0' && trimmed[1] == 'x' && int.TryParse(trimmed[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return hex;
        }

        if (trimmed.Length > 2 && trimmed[0] == '0' && trimmed[1] == 'o' && !trimmed[2..].ContainsAnyExcept("01234567"))
        {
            try
            {
                return Convert.ToInt32(trimmed[2..].ToString(), 8);
            }
            catch (OverflowException)
            {
                return double.NaN;
            }
        }

        return double.NaN;
    }

    private static string Quote(string text) => "\"" + System.Text.Json.JsonEncodedText.Encode(text) + "\"";
}
