using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>A target a leg needs, and the legs of it the leg needs (their positions in the leg's needs, names and tags).</summary>
internal sealed record NeededTarget(string Target, IReadOnlyList<NeededLeg> Legs);

/// <summary>One leg a leg needs: its position in the needing leg's <see cref="LegSpec.Needs"/>, its name and the tags it writes.</summary>
internal sealed record NeededLeg(int NeedIndex, string Name, IReadOnlyList<string> Tags);

/// <summary>
/// What a leg's templates may fill: its parameters and, for each target it needs, <c>{X.tag}</c> (the needed leg's
/// first tag, known when planning) and <c>{X.image}</c> (its image id, bound when the leg starts; until then the
/// argv shows the placeholder itself).
/// </summary>
internal sealed class LegPlaceholders
{
    private readonly Dictionary<string, string> _values;
    private readonly Dictionary<string, int> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _unavailable = new(StringComparer.Ordinal);

    public LegPlaceholders(IReadOnlyDictionary<string, string> parameters, IReadOnlyList<NeededTarget> needs)
    {
        _values = new Dictionary<string, string>(parameters, StringComparer.Ordinal);
        foreach (var need in needs)
        {
            var tag = need.Target + ".tag";
            var image = need.Target + ".image";
            if (need.Legs is [var leg])
            {
                _values[image] = "{" + image + "}";
                _images[image] = leg.NeedIndex;
                if (leg.Tags.Count > 0)
                {
                    _values[tag] = leg.Tags[0];
                }
                else
                {
                    _unavailable[tag] = $"{{{tag}}} is the first tag of leg '{leg.Name}', which writes no tag; give target '{need.Target}' a tag.";
                }
            }
            else
            {
                var names = string.Join(", ", need.Legs.Take(5).Select(l => $"'{l.Name}'")) + (need.Legs.Count > 5 ? ", …" : "");
                string Several(string placeholder) => $"this leg needs {need.Legs.Count} legs of target '{need.Target}' ({names}), so {{{placeholder}}} names none of them; give both targets an axis they share so each leg needs one.";
                _unavailable[tag] = Several(tag);
                _unavailable[image] = Several(image);
            }
        }
    }

    /// <summary>Everything a template may use, by placeholder name; <c>{X.image}</c> stands for itself until bound.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Whether <paramref name="template"/> uses a value known only when the leg starts.</summary>
    public bool IsBoundAtStart(ParameterTemplate template) => template.Placeholders.Any(_images.ContainsKey);

    /// <summary>Why <paramref name="template"/> cannot be rendered for this leg, or <see langword="null"/> when it can.</summary>
    /// <param name="template">The template.</param>
    /// <param name="bindable">Whether the field takes values bound when the leg starts (build args, labels, extra arguments).</param>
    public string? Problem(ParameterTemplate template, bool bindable)
    {
        var reasons = template.Placeholders.Distinct(StringComparer.Ordinal).Select(p => _unavailable.GetValueOrDefault(p)).OfType<string>().ToArray();
        if (reasons.Length > 0)
        {
            return string.Join(" ", reasons);
        }

        if (!bindable && template.Placeholders.FirstOrDefault(_images.ContainsKey) is { } image)
        {
            var target = image[..^".image".Length];
            return $"{{{image}}} is the image id of the needed leg, known only when this leg starts: use it in buildArgs, labels or extraArguments, or use {{{target}.tag}} here.";
        }

        return null;
    }

    /// <summary><paramref name="template"/> with every <c>{X.image}</c> filled from the needed legs' results (in the leg's needs order).</summary>
    public string Bind(ParameterTemplate template, IReadOnlyList<LegResult> results)
    {
        var values = new Dictionary<string, string>(_values, StringComparer.Ordinal);
        foreach (var (image, index) in _images)
        {
            // A built image always has an id (--iidfile); its first tag names the same image should the file be lost.
            values[image] = results[index].ImageId ?? results[index].Tags.FirstOrDefault() ?? "";
        }

        return template.Render(values);
    }
}
