using System.Text.Json;
using HealthCode.Formats;
using Kiosk.Colors;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Colors;
using Microsoft.Extensions.Logging.Abstractions;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>The fleet status shows a manifest fetch in progress (<c>colorData.fetch</c>), and nothing when none is kept.</summary>
public sealed class StatusFetchTests : IDisposable
{
    private readonly FeedWorld _w = new();
    private readonly TempDirectory _data = new();

    public void Dispose()
    {
        _data.Dispose();
        _w.Dispose();
    }

    [Fact]
    public async Task TheStatusShowsTheKeptManifestAndItsVerifiedPartsThenNothingAfterTheSwitch()
    {
        await using var kiosk = FleetTestKiosk.Create(0, _data.Path);
        var status = new StatusReporter(kiosk.Connection, kiosk.Identity, new InMemoryAlerts(), _w.Store, _w.Time, NullLogger<StatusReporter>.Instance, _w.Processor);
        JsonElement ColorData() => JsonDocument.Parse(status.Build(KioskState.Online)).RootElement.GetProperty("colorData").Clone();
        Assert.False(ColorData().TryGetProperty("fetch", out _));

        var built = ManifestBuilder.Build(_w, 3, T0, Enumerable.Range(0, 300).Select(i => Record(i, HealthColor.Green, i)), []);
        _w.Processor.Process(built.Signed);
        _w.Processor.ProcessPart(3, 0, built.Parts[0]);
        var fetch = ColorData().GetProperty("fetch");
        Assert.Equal(3UL, fetch.GetProperty("seq").GetUInt64());
        Assert.Equal(1, fetch.GetProperty("partsVerified").GetInt32());
        Assert.Equal(built.Parts.Count, fetch.GetProperty("partsTotal").GetInt32());
        Assert.True(fetch.GetProperty("active").GetBoolean());

        for (var i = 1; i < built.Parts.Count; i++)
        {
            _w.Processor.ProcessPart(3, i, built.Parts[i]);
        }

        Assert.Equal(3UL, ColorData().GetProperty("seq").GetUInt64());
        Assert.False(ColorData().TryGetProperty("fetch", out _));
    }
}
