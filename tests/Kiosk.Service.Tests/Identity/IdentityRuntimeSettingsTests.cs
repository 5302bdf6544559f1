using System.Text;
using Kiosk.Core;
using Kiosk.Core.Identity;
using Kiosk.Devices.Identity;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Hosting;
using Kiosk.Service.Tests.Fleet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Identity;

/// <summary><c>Identity:Mode</c> and <c>Identity:CardTimeout</c> change at run time over <c>config/desired</c>, as the kiosk registers them; the reader's own settings do not.</summary>
public sealed class IdentityRuntimeSettingsTests
{
    [Fact]
    public void ModeAndCardTimeoutAreChangeableAtRunTimeTheReadersSettingsAreNot()
    {
        using var data = new TempDirectory();
        var source = new RuntimeConfigurationSource(data.Path);
        var root = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kiosk:Site"] = "site-a",
            ["Kiosk:KioskId"] = "kiosk-01",
            ["Kiosk:DataDirectory"] = data.Path,
        }).Add(source).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(root);
        services.AddLogging();
        services.AddKioskCore(root);
        services.AddCardReader(root, DeviceMode.Hardware);
        services.AddOptions<FleetOptions>().Bind(root.GetSection(FleetOptions.Section));
        services.AddRuntimeSettings();
        using var provider = services.BuildServiceProvider();
        var identity = provider.GetRequiredService<IOptionsMonitor<IdentityOptions>>();
        var remote = new RemoteConfiguration(source, root, provider.GetServices<RuntimeSettingRegistration>(), provider.GetRequiredService<IOptions<KioskOptions>>(), provider.GetRequiredService<IOptions<FleetOptions>>(), new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero)), NullLogger<RemoteConfiguration>.Instance);
        Assert.Equal(IdentityMode.None, identity.CurrentValue.Mode);

        var applied = remote.Apply(Encoding.UTF8.GetBytes("""{"version":1,"Identity":{"Mode":"document","CardTimeout":"00:00:20"}}"""));

        Assert.True(applied.Applied, applied.Reason);
        Assert.Equal(IdentityMode.Document, identity.CurrentValue.Mode);
        Assert.Equal(TimeSpan.FromSeconds(20), identity.CurrentValue.CardTimeout);
        Assert.Contains("\"Identity\"", Encoding.UTF8.GetString(remote.BuildReported()), StringComparison.Ordinal);

        foreach (var (json, reason) in new[]
                 {
                     ("""{"version":2,"Identity":{"Port":"/dev/ttyUSB0"}}""", "Identity:Port is not changeable"),
                     ("""{"version":3,"Identity":{"ReadTimeout":"00:00:09"}}""", "Identity:ReadTimeout is not changeable"),
                     ("""{"version":4,"Identity":{"CardTimeout":"00:10:00"}}""", "CardTimeout"),
                     ("""{"version":5,"Identity":{"Mode":"strict"}}""", "Mode"),
                 })
        {
            var rejected = remote.Apply(Encoding.UTF8.GetBytes(json));
            Assert.Equal("rejected", rejected.Status);
            Assert.Contains(reason, rejected.Reason, StringComparison.Ordinal);
            Assert.Equal(IdentityMode.Document, identity.CurrentValue.Mode);
            Assert.Equal(TimeSpan.FromSeconds(20), identity.CurrentValue.CardTimeout);
        }
    }
}
