using System.Text;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Temperature;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Hosting;
using Kiosk.Service.Tests.Fleet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Temperature;

/// <summary>One fever threshold: <c>Checkpoint:FeverThresholdC</c> drives the policy and the thermometer's retest, at start and after a remote change.</summary>
public sealed class FeverThresholdTests
{
    [Fact]
    public void TheThermometerTakesTheCheckpointThresholdAtStartAndAfterARemoteChange()
    {
        using var data = new TempDirectory();
        var source = new RuntimeConfigurationSource(data.Path);
        var root = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kiosk:Site"] = "site-a",
            ["Kiosk:KioskId"] = "kiosk-01",
            ["Kiosk:DataDirectory"] = data.Path,
            ["Checkpoint:FeverThresholdC"] = "37.4",
            ["Thermometer:FeverThresholdC"] = "39",
        }).Add(source).Build();
        using var provider = Compose(root);
        var checkpoint = provider.GetRequiredService<IOptionsMonitor<CheckpointOptions>>();
        var thermometer = provider.GetRequiredService<IOptionsMonitor<ThermometerOptions>>();
        Assert.Equal(37.4, checkpoint.CurrentValue.FeverThresholdC);
        Assert.Equal(37.4, thermometer.CurrentValue.FeverThresholdC);

        // Listeners make both monitors rebuild as soon as the reload is heard, in whichever order they hear it.
        var heardByThermometer = new List<double>();
        using var t = thermometer.OnChange(o => heardByThermometer.Add(o.FeverThresholdC));
        using var c = checkpoint.OnChange(_ => { });
        var remote = new RemoteConfiguration(source, root, provider.GetServices<RuntimeSettingRegistration>(), provider.GetRequiredService<IOptions<KioskOptions>>(), provider.GetRequiredService<IOptions<FleetOptions>>(), new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero)), NullLogger<RemoteConfiguration>.Instance);

        var applied = remote.Apply(Encoding.UTF8.GetBytes("""{"version":1,"Checkpoint":{"FeverThresholdC":37.6}}"""));

        Assert.True(applied.Applied, applied.Reason);
        Assert.Equal(37.6, checkpoint.CurrentValue.FeverThresholdC);
        Assert.Equal(37.6, thermometer.CurrentValue.FeverThresholdC);
        Assert.All(heardByThermometer, v => Assert.Equal(37.6, v));

        // The thermometer's own key is not a second threshold.
        var rejected = remote.Apply(Encoding.UTF8.GetBytes("""{"version":2,"Thermometer":{"FeverThresholdC":38.0}}"""));
        Assert.Equal("rejected", rejected.Status);
        Assert.Equal(37.6, thermometer.CurrentValue.FeverThresholdC);
    }

    [Fact]
    public void WithoutACheckpointKeyTheThermometerStillTakesThePolicyDefault()
    {
        var root = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kiosk:Site"] = "site-a",
            ["Kiosk:KioskId"] = "kiosk-01",
            ["Thermometer:FeverThresholdC"] = "39",
        }).Build();
        using var provider = Compose(root);
        Assert.Equal(PolicyDefaults.FeverThresholdC, provider.GetRequiredService<IOptionsMonitor<ThermometerOptions>>().CurrentValue.FeverThresholdC);
    }

    [Fact]
    public void AnInvalidThresholdIsNamedOnce()
    {
        var root = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kiosk:Site"] = "site-a",
            ["Kiosk:KioskId"] = "kiosk-01",
            ["Checkpoint:FeverThresholdC"] = "80",
        }).Build();
        using var provider = Compose(root);
        var error = Assert.Throws<KioskInputException>(() => KioskServices.ValidateOptions(provider));
        Assert.Single(error.Message.Split("FeverThresholdC is 80 °C; it must be between 35 °C and 40 °C", StringSplitOptions.None).Skip(1));
    }

    private static ServiceProvider Compose(IConfigurationRoot root)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(root);
        services.AddLogging();
        services.AddKioskCore(root);
        services.AddBodyThermometer(root);
        services.AddOptions<FleetOptions>().Bind(root.GetSection(FleetOptions.Section));
        services.AddRuntimeSettings();
        return services.BuildServiceProvider();
    }
}
