using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Kiosk.Core.Identity;
using Kiosk.Devices.Voice;
using Microsoft.Extensions.Configuration;

namespace Kiosk.Service.Tests.Cli;

/// <summary>A section or key of the wrong shape is an error naming it, never skipped by the binder without a word.</summary>
public sealed class ConfigurationShapeTests
{
    private static IReadOnlyList<string> Failures<T>(string section, string json)
        where T : class, new()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException)
        {
            // The binder refuses some shapes itself; the validator still names them.
        }

        var result = new SectionValidator<T>(section, configuration).Validate(null, options);
        return result.Failed ? result.Failures.ToArray() : [];
    }

    [Fact]
    public void AnEnumKeyHoldingANumberOrAnUndefinedNameIsNamed()
    {
        Assert.Contains("Identity:Mode must be one of None, Document (got '3')", Failures<IdentityOptions>("Identity", """{"Identity":{"Mode":3}}"""));
        Assert.Contains(Failures<IdentityOptions>("Identity", """{"Identity":{"Mode":[1]}}"""), f => f.StartsWith("Identity:Mode must be one of", StringComparison.Ordinal));
        Assert.Empty(Failures<IdentityOptions>("Identity", """{"Identity":{"Mode":"document"}}"""));
    }

    [Fact]
    public void ASectionThatIsAValueOrAnArrayIsNamed()
    {
        Assert.Equal(["Voice must be an object of keys, not a value"], Failures<VoiceOptions>("Voice", """{"Voice":5}"""));
        Assert.Equal(["Voice must be an object of keys, not an array"], Failures<VoiceOptions>("Voice", """{"Voice":[1,2]}"""));
        Assert.Empty(Failures<VoiceOptions>("Voice", """{"Voice":{}}"""));
    }

    [Fact]
    public void AMisspeltKeyInAFileIsAnUnknownKeyWithTheClosestKnownOne()
    {
        Assert.Equal(
            ["unknown key 'Checkpoint:FeverThreshold'; did you mean 'Checkpoint:FeverThresholdC'?"],
            Failures<CheckpointOptions>("Checkpoint", """{"Checkpoint":{"FeverThreshold":37.5}}"""));
        Assert.Equal(["unknown key 'Voice:Zzzzzzzzzzzz'"], Failures<VoiceOptions>("Voice", """{"Voice":{"Zzzzzzzzzzzz":1}}"""));
        Assert.Empty(Failures<CheckpointOptions>("Checkpoint", """{"Checkpoint":{"feverthresholdc":37.5}}"""));
    }

    [Fact]
    public void AKeyOfAnotherTypeBoundToTheSameSectionIsKnown()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream("""{"Voice":{"Volume":5,"Width":3}}"""u8.ToArray())).Build();
        var options = new VoiceOptions();
        configuration.GetSection("Voice").Bind(options);

        Assert.True(new SectionValidator<VoiceOptions>("Voice", configuration).Validate(null, options).Failed);
        Assert.True(new SectionValidator<VoiceOptions>("Voice", configuration, boundTypes: [typeof(Kiosk.Devices.Screen.DisplayOptions)]).Validate(null, options).Succeeded);
    }

    [Fact]
    public void AValueOutOfRangeInAFileNamesTheKeyTheValueAndTheRangeInWords()
    {
        Assert.Equal(
            ["Checkpoint:MaxColorDataAge is 31 days; it must be between 1 min and 30 days"],
            Failures<CheckpointOptions>("Checkpoint", """{"Checkpoint":{"MaxColorDataAge":"31.00:00:00"}}"""));
        Assert.Equal(["Voice:Volume is 101; it must be between 0 and 100"], Failures<VoiceOptions>("Voice", """{"Voice":{"Volume":101}}"""));
    }

    [Theory]
    [InlineData("zh", "zh")]
    [InlineData("EN", "en")]
    [InlineData("both", "both")]
    [InlineData("Chinese", "zh")]
    [InlineData("English", "en")]
    [InlineData("Both", "both")]
    [InlineData("fr", null)]
    [InlineData("", null)]
    public void EveryLanguageKeyTakesZhEnOrBothAndReadsTheEarlierNames(string text, string? expected) =>
        Assert.Equal(expected, LanguageSetting.Normalize(text));
}
