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
}
