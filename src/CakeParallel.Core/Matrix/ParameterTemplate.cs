using System.Text;

namespace CakeParallel.Matrix;

/// <summary>
/// Text with <c>{AXIS}</c> placeholders filled from a leg's parameters, e.g. <c>myapp:{node}-{os}</c>.
/// <c>{{</c> and <c>}}</c> stand for literal braces.
/// </summary>
public sealed class ParameterTemplate
{
    private readonly string[] _literals;
    private readonly string[] _placeholders;

    private ParameterTemplate(string text, string[] literals, string[] placeholders)
    {
        Text = text;
        _literals = literals;
        _placeholders = placeholders;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>The placeholder names the template uses, in order of appearance.</summary>
    public IReadOnlyList<string> Placeholders => _placeholders;

    /// <summary>Parses <paramref name="text"/>; returns <see langword="false"/> with a one-sentence <paramref name="error"/> when a brace is unbalanced or a placeholder is empty.</summary>
    /// <param name="text">The template text.</param>
    /// <param name="template">The parsed template, when valid.</param>
    /// <param name="error">What is wrong, when invalid.</param>
    public static bool TryParse(string text, out ParameterTemplate template, out string error)
    {
        var literals = new List<string>();
        var placeholders = new List<string>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                literal.Append('}');
                i++;
            }
            else if (c == '{')
            {
                var end = text.IndexOf('}', i + 1);
                var nextOpen = text.IndexOf('{', i + 1);
                if (end < 0 || (nextOpen >= 0 && nextOpen < end))
                {
                    return Fail($"'{{' at position {i} has no closing '}}' (write '{{{{' for a literal brace).", out template, out error);
                }

                var name = text[(i + 1)..end].Trim();
                if (name.Length == 0)
                {
                    return Fail($"empty placeholder '{{}}' at position {i}.", out template, out error);
                }

                literals.Add(literal.ToString());
                literal.Clear();
                placeholders.Add(name);
                i = end;
            }
            else if (c == '}')
            {
                return Fail($"'}}' at position {i} has no opening '{{' (write '}}}}' for a literal brace).", out template, out error);
            }
            else
            {
                literal.Append(c);
            }
        }

        literals.Add(literal.ToString());
        template = new ParameterTemplate(text, [.. literals], [.. placeholders]);
        error = "";
        return true;
    }

    /// <summary>The placeholders that <paramref name="parameters"/> cannot fill.</summary>
    /// <param name="parameters">A leg's parameters.</param>
    public IEnumerable<string> UnknownPlaceholders(IReadOnlyDictionary<string, string> parameters) =>
        _placeholders.Where(p => !parameters.ContainsKey(p)).Distinct(StringComparer.Ordinal);

    /// <summary>The text with every placeholder replaced by its parameter's value (literally, never re-parsed).</summary>
    /// <param name="parameters">A leg's parameters; must hold every placeholder (see <see cref="UnknownPlaceholders"/>).</param>
    /// <exception cref="KeyNotFoundException">A placeholder has no parameter.</exception>
    public string Render(IReadOnlyDictionary<string, string> parameters)
    {
        if (_placeholders.Length == 0)
        {
            return _literals[0];
        }

        var text = new StringBuilder(_literals[0]);
        for (var i = 0; i < _placeholders.Length; i++)
        {
            text.Append(parameters[_placeholders[i]]).Append(_literals[i + 1]);
        }

        return text.ToString();
    }

    private static bool Fail(string message, out ParameterTemplate template, out string error)
    {
        template = new ParameterTemplate("", [""], []);
        error = message;
        return false;
    }
}
