using CakeParallel.Docker;
using CakeParallel.Model;

namespace CakeParallel.Tests.Faults;

/// <summary>Matrix files written by an attacker (or a tired human): every case is a coded error, never a crash or a silent guess.</summary>
public sealed class HostileMatrixFileTests : IDisposable
{
    private readonly TempDirectory _directory = new("cpar-hostile");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("\"99999999999999h\"")]
    [InlineData("\"366d\"")]
    [InlineData("1e300")]
    [InlineData("\"8761h\"")]
    public void A_duration_beyond_a_year_is_a_coded_error_naming_its_path(string timeout)
    {
        var error = LoadErrors($$"""{ "matrix": { "v": ["1"] }, "build": { "tags": ["x:{v}"], "timeout": {{timeout}} } }""").ShouldHaveSingleItem();

        error.Code.ShouldBe(ErrorCodes.MatrixFileValueInvalid);
        error.Field.ShouldBe("$.build.timeout");
    }

    [Fact]
    public void A_duration_of_exactly_a_year_is_accepted()
    {
        var matrix = DockerMatrixFile.Load(Write("""{ "matrix": { "v": ["1"] }, "build": { "tags": ["x:{v}"], "timeout": "8760h" } }"""));

        matrix.Timeout.ShouldBe(TimeSpan.FromDays(365));
    }

    [Theory]
    [InlineData("retries", "2147483647", "between 0 and 100, but is 2147483647")]
    [InlineData("retries", "99999999999999999999", "between 0 and 100, but is 99999999999999999999")]
    [InlineData("maxParallel", "-2147483649", "between 1 and 100000, but is -2147483649")]
    public void Counts_that_would_overflow_are_coded_errors_that_quote_the_value(string key, string value, string message)
    {
        var error = LoadErrors($$"""{ "matrix": { "v": ["1"] }, "build": { "tags": ["x:{v}"], "{{key}}": {{value}} } }""").ShouldHaveSingleItem();

        error.Code.ShouldBe(ErrorCodes.MatrixFileValueInvalid);
        error.Field.ShouldBe("$.build." + key);
        error.Message.ShouldContain(message);
    }

    [Fact]
    public void A_key_given_twice_is_an_error_not_a_silent_winner()
    {
        var error = LoadErrors("""{ "matrix": { "v": ["1"] }, "build": { "tags": ["x:{v}"], "noCache": true, "noCache": false } }""").ShouldHaveSingleItem();

        error.Code.ShouldBe(ErrorCodes.MatrixFileSyntax);
        error.Message.ShouldContain("noCache");
    }

    [Fact]
    public void Invalid_utf8_is_an_error_naming_the_byte_offset()
    {
        var bytes = "{ \"matrix\": { \"v\": [\"ok\", \""u8.ToArray().Concat(new byte[] { 0xC3, 0x28 }).Concat("\"] }, \"build\": { \"tags\": [\"x:{v}\"] } }"u8.ToArray()).ToArray();
        var path = _directory.Combine("matrix.json");
        File.WriteAllBytes(path, bytes);

        var error = Should.Throw<InvalidRunException>(() => DockerMatrixFile.Load(path)).Errors.ShouldHaveSingleItem();

        error.Code.ShouldBe(ErrorCodes.MatrixFileSyntax);
        error.Message.ShouldContain("invalid byte 0xC3 at byte offset 27");
    }

    [Fact]
    public void A_byte_order_mark_is_not_invalid_utf8()
    {
        var path = _directory.Combine("matrix.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. """{ "matrix": { "v": ["1"] }, "build": { "tags": ["x:{v}"] } }"""u8.ToArray()]);

        DockerMatrixFile.Load(path).Matrix.Axes.ShouldHaveSingleItem().Name.ShouldBe("v");
    }

    private string Write(string json)
    {
        var path = _directory.Combine("matrix.json");
        File.WriteAllText(path, json);
        return path;
    }

    private IReadOnlyList<ValidationError> LoadErrors(string json) =>
        Should.Throw<InvalidRunException>(() => DockerMatrixFile.Load(Write(json))).Errors;
}
