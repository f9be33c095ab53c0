namespace CakeParallel.Model;

/// <summary>One problem found in a run's input before anything started.</summary>
/// <param name="Code">A stable code, e.g. <c>CPAR0004</c> (see <see cref="ErrorCodes"/>).</param>
/// <param name="Leg">The leg's name, or <see langword="null"/> for a run-wide setting.</param>
/// <param name="Field">The field at fault, e.g. <c>WorkingDirectory</c>, <c>MaxParallel</c> or <c>build.tags[1]</c>.</param>
/// <param name="Message">What is wrong, in one sentence.</param>
public sealed record ValidationError(string Code, string? Leg, string Field, string Message)
{
    /// <summary>E.g. <c>CPAR0006 leg 'node-20' WorkingDirectory: directory '/src/x' does not exist.</c></summary>
    public override string ToString() => ControlCharacters.Escape(Leg is null ? $"{Code} {Field}: {Message}" : $"{Code} leg '{Leg}' {Field}: {Message}");
}
