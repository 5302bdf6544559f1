using System.Text;
using System.Text.Json;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Kiosk.Devices.Screen;
using Kiosk.Devices.Temperature;
using Kiosk.Display;
using Kiosk.Devices.Voice;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Fleet;

/// <summary><c>config/desired</c> → validated, applied at run time through the configuration, persisted, reported.</summary>
public sealed class RemoteConfigurationTests
{
    /// <summary>A host-like composition: base settings, the runtime source last, options monitors, registrations.</summary>
    internal sealed class Host : IDisposable
    {
        public Host(string dataDirectory, IDictionary<string, string?>? baseSettings = null, bool voice = false, bool display = false)
        {
            Source = new RuntimeConfigurationSource(dataDirectory);
            var settings = new Dictionary<string, string?>
            {
                ["Kiosk:Site"] = "site-a",
                ["Kiosk:KioskId"] = "kiosk-01",
                ["Kiosk:DataDirectory"] = dataDirectory,
                ["Kiosk:SiteSecret"] = "c2l0ZS1zZWNyZXQtZm9yLXRlc3RzLW9ubHktMzJieXQ=",
                ["Fleet:Host"] = "broker.example",
                ["Fleet:Username"] = "kiosk-01",
                ["Fleet:Password"] = "hunter2-broker-password",
                ["Checkpoint:FeverThresholdC"] = "37.3",
            };
            foreach (var (k, v) in baseSettings ?? new Dictionary<string, string?>())
            {
                settings[k] = v;
            }

            Root = new ConfigurationBuilder().AddInMemoryCollection(settings).Add(Source).Build();
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(Root);
            services.AddSection<KioskOptions>(Root, KioskOptions.Section);
            services.AddSection<FleetOptions>(Root, FleetOptions.Section);
            services.AddSection<CheckpointOptions>(Root, CheckpointOptions.Section);
            services.AddSection<ThermometerOptions>(Root, ThermometerOptions.Section);
            services.AddRuntimeSetting<CheckpointOptions>(CheckpointOptions.Section);
            services.AddRuntimeSetting<ThermometerOptions>(ThermometerOptions.Section, typeof(ThermometerOptions).GetProperties().Select(p => p.Name).Except(["BusId", "Address"]));
            if (voice)
            {
                services.AddSection<VoiceOptions>(Root, VoiceOptions.Section);
                services.AddRuntimeSetting<VoiceOptions>(VoiceOptions.Section, ["Device", "Volume"]);
            }

            if (display)
            {
                services.AddSection<DisplayOptions>(Root, DisplayOptions.Section);
                services.AddRuntimeSetting<DisplayOptions>(DisplayOptions.Section, [nameof(DisplayOptions.Language)]);
            }

            Provider = services.BuildServiceProvider();
            Remote = new RemoteConfiguration(Source, Root, Provider.GetServices<RuntimeSettingRegistration>(), Provider.GetRequiredService<IOptions<KioskOptions>>(), Provider.GetRequiredService<IOptions<FleetOptions>>(), new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero)), NullLogger<RemoteConfiguration>.Instance);
        }

        public RuntimeConfigurationSource Source { get; }

        public IConfigurationRoot Root { get; }

        public ServiceProvider Provider { get; }

        public RemoteConfiguration Remote { get; }

        public IOptionsMonitor<CheckpointOptions> Checkpoint => Provider.GetRequiredService<IOptionsMonitor<CheckpointOptions>>();

        public IOptionsMonitor<ThermometerOptions> Thermometer => Provider.GetRequiredService<IOptionsMonitor<ThermometerOptions>>();

        public ConfigApplyResult Apply(string json) => Remote.Apply(Encoding.UTF8.GetBytes(json));

        public JsonElement Reported() => JsonDocument.Parse(Remote.BuildReported()).RootElement.Clone();

        public void Dispose() => Provider.Dispose();
    }

    [Fact]
    public void ValidDocumentIsAppliedAndOptionsMonitorConsumersSeeIt()
    {
        using var data = new TempDirectory();
        using var host = new Host(data.Path);
        var seen = new List<double>();
        using var subscription = host.Checkpoint.OnChange(o => seen.Add(o.FeverThresholdC));
        Assert.Equal(37.3, host.Checkpoint.CurrentValue.FeverThresholdC);

        var result = host.Apply("""{"version":3,"Checkpoint":{"FeverThresholdC":37.5,"ReferHold":"00:00:10"},"Thermometer":{"SampleCount":9,"MinAgreeingSamples":6}}""");

        Assert.Equal(new ConfigApplyResult("applied", 3, null), result);
        Assert.Equal(37.5, host.Checkpoint.CurrentValue.FeverThresholdC);
        Assert.Equal(TimeSpan.FromSeconds(10), host.Checkpoint.CurrentValue.ReferHold);
        Assert.Equal(9, host.Thermometer.CurrentValue.SampleCount);
        Assert.Contains(37.5, seen);
        Assert.Equal(3, host.Remote.AppliedVersion);

        var reported = host.Reported();
        Assert.Equal(3, reported.GetProperty("version").GetInt64());
        Assert.Equal("applied", reported.GetProperty("status").GetString());
        Assert.Equal(37.5, reported.GetProperty("settings").GetProperty("Checkpoint").GetProperty("FeverThresholdC").GetDouble());
        Assert.Equal("00:00:10", reported.GetProperty("settings").GetProperty("Checkpoint").GetProperty("ReferHold").GetString());
    }

    [Theory]
    [InlineData("""{"version":4,"Checkpoint":{"FeverThresholdC":45}}""", "FeverThresholdC")]
    [InlineData("""{"version":4,"Checkpoint":{"FeverThresholdC":"warm"}}""", "FeverThresholdC")]
    [InlineData("""{"version":4,"Checkpoint":{"FeverThresholdX":37.5}}""", "unknown key 'Checkpoint:FeverThresholdX'; did you mean 'Checkpoint:FeverThresholdC'?")]
    [InlineData("""{"version":4,"Fleet":{"Host":"evil.example"}}""", "Fleet is not changeable at run time")]
    [InlineData("""{"version":4,"Kiosk":{"DataDirectory":"/tmp"}}""", "Kiosk is not changeable at run time")]
    [InlineData("""{"version":4,"Thermometer":{"BusId":3}}""", "Thermometer:BusId is not changeable at run time")]
    [InlineData("""{"version":4,"Thermometer":{"SampleCount":4}}""", "MinAgreeingSamples")]
    [InlineData("""{"Checkpoint":{"FeverThresholdC":37.5}}""", "version")]
    [InlineData("""{"version":4,"Checkpoint":{"FeverThresholdC":null}}""", "null")]
    [InlineData("""not json""", "not JSON")]
    [InlineData("""[1,2]""", "object")]
    [InlineData("""{"version":4,"Checkpoint":37.5}""", "must be an object")]
    public void InvalidDocumentIsRejectedWithAReasonAndNothingChanges(string json, string reasonPart)
    {
        using var data = new TempDirectory();
        using var host = new Host(data.Path);
        Assert.True(host.Apply("""{"version":3,"Checkpoint":{"FeverThresholdC":37.5}}""").Applied);

        var result = host.Apply(json);

        Assert.Equal("rejected", result.Status);
        Assert.Contains(reasonPart, result.Reason, StringComparison.Ordinal);
        Assert.Equal(37.5, host.Checkpoint.CurrentValue.FeverThresholdC);
        Assert.Equal(1, host.Thermometer.CurrentValue.BusId);
        Assert.Equal(7, host.Thermometer.CurrentValue.SampleCount);
        Assert.Equal(3, host.Remote.AppliedVersion);
        Assert.Equal("""{"version":3,"Checkpoint":{"FeverThresholdC":37.5}}""", File.ReadAllText(host.Source.FilePath));

        var reported = host.Reported();
        Assert.Equal(3, reported.GetProperty("version").GetInt64());
        Assert.Equal("rejected", reported.GetProperty("status").GetString());
        Assert.Equal(result.Reason, reported.GetProperty("rejected").GetProperty("reason").GetString());
    }

    [Fact]
    public void AMisspeltKeyIsAnUnknownKeyWithTheClosestKnownOneReportedPerKey()
    {
        using var data = new TempDirectory();
        using var host = new Host(data.Path);

        var result = host.Apply("""{"version":4,"Checkpoint":{"FeverThreshold":37.5,"PassHold":"00:00:04"},"Chekpoint":{"PassHold":"00:00:04"}}""");

        Assert.Equal("rejected", result.Status);
        var keys = host.Reported().GetProperty("rejected").GetProperty("keys");
        Assert.Equal("unknown key 'Checkpoint:FeverThreshold'; did you mean 'Checkpoint:FeverThresholdC'?", keys.GetProperty("Checkpoint:FeverThreshold").GetString());
        Assert.Equal("unknown key 'Chekpoint:PassHold'; did you mean 'Checkpoint:PassHold'?", keys.GetProperty("Chekpoint:PassHold").GetString());
        Assert.False(keys.TryGetProperty("Checkpoint:PassHold", out _));
        Assert.DoesNotContain("not changeable", result.Reason, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(3), host.Checkpoint.CurrentValue.PassHold);
    }

    [Fact]
    public void AValueOutOfRangeNamesTheKeyTheValueAndTheRangeInWords()
    {
        using var data = new TempDirectory();
        using var host = new Host(data.Path);

        var result = host.Apply("""{"version":4,"Checkpoint":{"FeverThresholdC":45,"PassHold":"00:02:00"}}""");

        Assert.Equal("rejected", result.Status);
        Assert.Contains("Checkpoint:FeverThresholdC is 45 °C; it must be between 35 °C and 40 °C", result.Reason, StringComparison.Ordinal);
        Assert.Contains("Checkpoint:PassHold is 2 min; it must be between 0.5 s and 1 min", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("DataAnnotation", result.Reason, StringComparison.Ordinal);
        var keys = host.Reported().GetProperty("rejected").GetProperty("keys");
        Assert.Equal("Checkpoint:FeverThresholdC is 45 °C; it must be between 35 °C and 40 °C", keys.GetProperty("Checkpoint:FeverThresholdC").GetString());
        Assert.Equal("Checkpoint:PassHold is 2 min; it must be between 0.5 s and 1 min", keys.GetProperty("Checkpoint:PassHold").GetString());
    }

    [Theory]
    [InlineData("en", "en", ScreenLanguage.English)]
    [InlineData("zh", "zh", ScreenLanguage.Chinese)]
    [InlineData("English", "en", ScreenLanguage.English)]
    [InlineData("BOTH", "both", ScreenLanguage.Both)]
    public void DisplayLanguageTakesZhEnOrBothAndTheEarlierNames(string value, string reported, ScreenLanguage drawn)
    {
        using var data = new TempDirectory();
        using var host = new Host(data.Path, display: true);

        var result = host.Apply("""{"version":4,"Display":{"Language":""" + JsonSerializer.Serialize(value) + "}}");

        Assert.True(result.Applied, result.Reason);
        Assert.Equal(drawn, host.Provider.GetRequiredService<IOptionsMonitor<DisplayOptions>>().CurrentValue.ScreenLanguage);
        Assert.Equal(value, host.Reported().GetProperty("settings").GetProperty("Display").GetProperty("Language").GetString());
        Assert.Equal(reported, LanguageSetting.Normalize(value));
    }

    [Fact]
    public void ABadDisplayLanguageIsNamedWithZhEnOrBoth()
    {
        using var data = new TempDirectory();
        using var host = new Host(data.Path, display: true);

        var result = host.Apply("""{"version":4,"Display":{"Language":"fr"}}""");

        Assert.Equal("rejected", result.Status);
        Assert.Equal("Display:Language must be zh, en or both (got 'fr')", result.Reason);
    }

    [Fact]
    public void OlderOrConflictingVersionsAreRejectedTheSameDocumentAgainIsUnchanged()
    {
        using var data = new TempDirectory();
        using var host = new Host(data.Path);
        const string Doc = """{"version":5,"Checkpoint":{"FeverThresholdC":37.6}}""";
        Assert.True(host.Apply(Doc).Applied);
        Assert.Equal("unchanged", host.Apply(Doc).Status);
        Assert.Contains("older", host.Apply("""{"version":4,"Checkpoint":{"FeverThresholdC":37.4}}""").Reason, StringComparison.Ordinal);
        Assert.Contains("already applied", host.Apply("""{"version":5,"Checkpoint":{"FeverThresholdC":37.4}}""").Reason, StringComparison.Ordinal);
        Assert.Equal(37.6, host.Checkpoint.CurrentValue.FeverThresholdC);
    }

    [Fact]
    public void LeavingASettingOutReturnsItToTheKiosksOwnValue()
    {
        using var data = new TempDirectory();
        using var host = new Host(data.Path);
        Assert.True(host.Apply("""{"version":1,"Checkpoint":{"FeverThresholdC":37.6,"PassHold":"00:00:05"}}""").Applied);
        Assert.True(host.Apply("""{"version":2,"Checkpoint":{"PassHold":"00:00:04"}}""").Applied);
        Assert.Equal(37.3, host.Checkpoint.CurrentValue.FeverThresholdC);
        Assert.Equal(TimeSpan.FromSeconds(4), host.Checkpoint.CurrentValue.PassHold);
    }

    [Fact]
    public void TheAppliedDocumentSurvivesARestart()
    {
        using var data = new TempDirectory();
        using (var host = new Host(data.Path))
        {
            Assert.True(host.Apply("""{"version":7,"Checkpoint":{"FeverThresholdC":37.8}}""").Applied);
        }

        using var restarted = new Host(data.Path);
        Assert.Equal(7, restarted.Remote.AppliedVersion);
        Assert.Equal(37.8, restarted.Checkpoint.CurrentValue.FeverThresholdC);
        Assert.Equal("unchanged", restarted.Apply("""{"version":7,"Checkpoint":{"FeverThresholdC":37.8}}""").Status);
    }

    [Fact]
    public void ACorruptStoredDocumentIsIgnoredNotFatal()
    {
        using var data = new TempDirectory();
        File.WriteAllText(Path.Combine(data.Path, RuntimeConfigurationSource.FileName), "{ broken");
        using var host = new Host(data.Path);
        Assert.Null(host.Remote.AppliedVersion);
        Assert.NotNull(host.Source.Provider.LoadError);
        Assert.Equal(37.3, host.Checkpoint.CurrentValue.FeverThresholdC);
    }

    [Fact]
    public void ReportedLeavesSecretsOut()
    {
        using var data = new TempDirectory();
        using var host = new Host(data.Path);
        var text = Encoding.UTF8.GetString(host.Remote.BuildReported());
        Assert.DoesNotContain("hunter2-broker-password", text, StringComparison.Ordinal);
        Assert.DoesNotContain("c2l0ZS1zZWNyZXQ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SiteSecret", text, StringComparison.Ordinal);
        var settings = host.Reported().GetProperty("settings");
        Assert.Equal("broker.example", settings.GetProperty("Fleet").GetProperty("Host").GetString());
        Assert.Equal("kiosk-01", settings.GetProperty("Kiosk").GetProperty("KioskId").GetString());
        Assert.Equal(JsonValueKind.Null, host.Reported().GetProperty("version").ValueKind);
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("9007199254740992")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1e3")]
    public void AVersionOutsideOneToTheLargestJsonSafeIntegerIsAnInvalidDocument(string version)
    {
        using var data = new TempDirectory();
        using var host = new Host(data.Path);
        Assert.True(host.Apply("""{"version":5,"Checkpoint":{"FeverThresholdC":37.5}}""").Applied);

        var result = host.Apply("{\"version\":" + version + ",\"Checkpoint\":{\"FeverThresholdC\":38.0}}");

        Assert.Equal("rejected", result.Status);
        Assert.Null(result.Version);
        Assert.Contains("\"version\" from 1 to 9007199254740991", result.Reason);
        Assert.Equal(5, host.Remote.AppliedVersion);
        Assert.Equal(37.5, host.Checkpoint.CurrentValue.FeverThresholdC);
    }

    [Fact]
    public void TheLastVersionMayBePublishedAgainWithOtherSettingsSoNoVersionPinsTheKiosk()
    {
        using var data = new TempDirectory();
        using var host = new Host(data.Path);
        Assert.True(host.Apply("""{"version":9007199254740991,"Checkpoint":{"FeverThresholdC":37.5}}""").Applied);

        var same = host.Apply("""{"version":9007199254740991,"Checkpoint":{"FeverThresholdC":37.5}}""");
        var other = host.Apply("""{"version":9007199254740991}""");

        Assert.Equal("unchanged", same.Status);
        Assert.True(other.Applied, other.Reason);
        Assert.Equal(37.3, host.Checkpoint.CurrentValue.FeverThresholdC);
        Assert.Equal("rejected", host.Apply("""{"version":7,"Checkpoint":{"FeverThresholdC":37.5}}""").Status);
    }

    [Fact]
    public void AStoredDocumentWithAnOverflowingVersionIsIgnoredAtStartAndTheKioskRunsOnItsFiles()
    {
        using var data = new TempDirectory();
        File.WriteAllText(Path.Combine(data.Path, RuntimeConfigurationSource.FileName), """{"version":9223372036854775807,"Checkpoint":{"FeverThresholdC":38.0}}""");

        using var host = new Host(data.Path);

        Assert.Null(host.Remote.AppliedVersion);
        Assert.Contains("from 1 to 9007199254740991", host.Source.Provider.LoadError);
        Assert.Equal(37.3, host.Checkpoint.CurrentValue.FeverThresholdC);
        Assert.True(host.Apply("""{"version":1,"Checkpoint":{"FeverThresholdC":37.5}}""").Applied);
    }
}
