namespace CakeParallel.Model;

/// <summary>Replaces a leg's secret values with <c>***</c> in anything the runner writes or reports.</summary>
internal sealed class SecretMask(IReadOnlyList<string> secrets)
{
    // Longest first, so a secret that contains another is masked whole.
    private readonly string[] _secrets = secrets.Where(s => s.Length > 0).Distinct().OrderByDescending(s => s.Length).ToArray();

    public string Apply(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }
}
