using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Kiosk.Devices.Temperature;
using Kiosk.Drivers.Mlx90614;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Tests.Temperature;

public class BodyThermometerTests
{
    [Fact]
    public async Task NormalVisitorGivesOneReadingInThePassRange()
    {
        using var h = new ThermometerHarness();
        h.Scene.PutVisitor(36.6);

        var (result, elapsed) = await h.MeasureAsync();

        Assert.False(result.Fault);
        Assert.NotNull(result.FirstC);
        Assert.Equal(36.6, result.FirstC!.Value, 0.05);
        Assert.True(result.FirstC < 37.3);
        Assert.Null(result.RetestC);
        Assert.Equal(22.0, result.AmbientC!.Value, 0.02);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed} of virtual time");
        Assert.Empty(h.Alerts.Active);
    }

    [Fact]
    public async Task FeverIsRetestedAfterRetestDelay()
    {
        using var h = new ThermometerHarness();
        h.Scene.PutVisitor(38.4);

        var (result, elapsed) = await h.MeasureAsync();

        Assert.Equal(38.4, result.FirstC!.Value, 0.05);
        Assert.NotNull(result.RetestC);
        Assert.Equal(38.4, result.RetestC!.Value, 0.05);
        Assert.False(result.Fault);
        Assert.True(elapsed >= TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(1200), $"retest came after {elapsed}");
    }

    [Fact]
    public async Task FeverThatFallsOnRetestReportsTheLowerRetest()
    {
        using var h = new ThermometerHarness();
        h.Scene.PutVisitor(37.6);

        var (result, _) = await h.MeasureAsync(onTick: t =>
        {
            if (t >= TimeSpan.FromSeconds(1.5))
            {
                h.Scene.PutVisitor(36.9);
            }
        });

        Assert.Equal(37.6, result.FirstC!.Value, 0.05);
        Assert.Equal(36.9, result.RetestC!.Value, 0.05);
    }

    [Fact]
    public async Task NobodyInFrontTimesOutWithoutAReading()
    {
        using var h = new ThermometerHarness();
        h.Scene.PutVisitor(null);

        var (result, elapsed) = await h.MeasureAsync();

        Assert.Null(result.FirstC);
        Assert.Null(result.RetestC);
        Assert.False(result.Fault);
        Assert.Equal(22.0, result.AmbientC!.Value, 0.02);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5.2));
        Assert.Empty(h.Alerts.Active);
    }

    [Fact]
    public async Task VisitorWhoStepsUpLateIsMeasured()
    {
        using var h = new ThermometerHarness();
        var (result, elapsed) = await h.MeasureAsync(onTick: t =>
        {
            if (t >= TimeSpan.FromSeconds(2))
            {
                h.Scene.PutVisitor(36.8);
            }
        });

        Assert.Equal(36.8, result.FirstC!.Value, 0.05);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(3.5));
    }

    [Fact]
    public async Task NoisySensorWithOutliersStillReadsTheVisitor()
    {
        using var h = new ThermometerHarness(seed: 5);
        var skin = SkinToCoreModel.Default.SkinFromCore(36.6, 22.0);
        var start = h.Time.GetUtcNow();
        var refreshes = 0;
        h.Chip.ObjectNoiseC = 0.05;
        h.Chip.Scene = at =>
        {
            // Every fourth refresh is a stray: hair (+2.5 °C… inside the window) or a hand passing (outside it).
            var n = ++refreshes;
            var stray = n % 8 == 0 ? 25.0 - skin : n % 4 == 0 ? 2.5 : 0.0;
            return (skin + stray, 22.0);
        };

        var (result, _) = await h.MeasureAsync();

        Assert.False(result.Fault);
        Assert.Equal(36.6, result.FirstC!.Value, 0.15);
        Assert.Null(result.RetestC);
    }

    [Fact]
    public async Task SensorNoiseFromTheScenarioAveragesOut()
    {
        using var h = new ThermometerHarness(seed: 11);
        h.Scene.SensorNoiseC = 0.1;
        h.Scene.PutVisitor(36.2);

        var (result, _) = await h.MeasureAsync();

        Assert.Equal(36.2, result.FirstC!.Value, 0.25);
    }

    [Fact]
    public async Task OccasionalTransferFaultsAreAbsorbed()
    {
        using var h = new ThermometerHarness(seed: 3);
        h.Chip.FaultRate = 0.1;
        h.Scene.PutVisitor(36.6);

        var (result, _) = await h.MeasureAsync();

        Assert.Equal(36.6, result.FirstC!.Value, 0.05);
        Assert.Empty(h.Alerts.Active);
        Assert.True(h.Chip.InjectedFaults(Mlx90614Fault.Nack) + h.Chip.InjectedFaults(Mlx90614Fault.WrongPec)
            + h.Chip.InjectedFaults(Mlx90614Fault.ErrorFlag) + h.Chip.InjectedFaults(Mlx90614Fault.BusTimeout) > 0);
    }

    [Theory]
    [InlineData(Mlx90614Fault.Nack)]
    [InlineData(Mlx90614Fault.WrongPec)]
    [InlineData(Mlx90614Fault.ErrorFlag)]
    [InlineData(Mlx90614Fault.BusTimeout)]
    public async Task PersistentFaultsRaiseTheAlertAndAGoodReadClearsIt(Mlx90614Fault kind)
    {
        using var h = new ThermometerHarness();
        h.Scene.PutVisitor(36.6);
        h.Chip.FaultKinds = kind;
        h.Chip.FaultRate = 1.0;

        var (faulty, elapsed) = await h.MeasureAsync();

        Assert.True(faulty.Fault);
        Assert.Null(faulty.FirstC);
        Assert.Null(faulty.RetestC);
        Assert.Contains(AlertKinds.ThermometerFault, h.Alerts.Active);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), "a dead sensor is reported before the timeout");
        var raise = Assert.Single(h.Alerts.Calls, c => c.Call == "raise");
        Assert.Contains("0x5A", raise.Detail);

        // Still broken: the next measurement faults at once and the alert stays raised.
        var (again, _) = await h.MeasureAsync();
        Assert.True(again.Fault);
        Assert.Contains(AlertKinds.ThermometerFault, h.Alerts.Active);

        h.Chip.FaultRate = 0.0;
        var (good, _) = await h.MeasureAsync();

        Assert.False(good.Fault);
        Assert.Equal(36.6, good.FirstC!.Value, 0.05);
        Assert.Empty(h.Alerts.Active);
        Assert.Contains(h.Alerts.Calls, c => c is ("clear", AlertKinds.ThermometerFault, _));
    }

    [Fact]
    public async Task DeviceThatCannotBeOpenedIsAFault()
    {
        using var h = new ThermometerHarness();
        h.OpenFailure = new IOException("no /dev/i2c-1");
        h.Scene.PutVisitor(36.6);

        var (result, _) = await h.MeasureAsync();

        Assert.True(result.Fault);
        Assert.Contains(AlertKinds.ThermometerFault, h.Alerts.Active);

        h.OpenFailure = null;
        var (good, _) = await h.MeasureAsync();
        Assert.Equal(36.6, good.FirstC!.Value, 0.05);
        Assert.Empty(h.Alerts.Active);
    }

    [Fact]
    public async Task ObjectAboveTheSkinWindowIsAFaultWithoutAlert()
    {
        using var h = new ThermometerHarness();
        h.Chip.ObjectTemperatureC = 47.0;

        var (result, _) = await h.MeasureAsync();

        Assert.True(result.Fault);
        Assert.Null(result.FirstC);
        Assert.Empty(h.Alerts.Active);
    }

    [Fact]
    public async Task StuckSensorStillReturnsTheFrozenValue()
    {
        // A frozen RAM (valid PEC) cannot be told from a still forehead; the protocol reads what the chip holds.
        using var h = new ThermometerHarness();
        h.Scene.PutVisitor(36.6);
        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        h.Chip.PeekRam(RamRegister.Tobj1); // the chip refreshes with the visitor in front
        h.Chip.StuckDuration = TimeSpan.FromSeconds(10);
        h.Chip.FaultKinds = Mlx90614Fault.StuckValue;
        h.Chip.FaultRate = 1.0;
        h.Scene.PutVisitor(36.9);

        var (result, _) = await h.MeasureAsync();

        Assert.Equal(36.6, result.FirstC!.Value, 0.05);
        Assert.Empty(h.Alerts.Active);
    }

    [Fact]
    public async Task OptionsChangeAtRunTime()
    {
        using var h = new ThermometerHarness();
        h.Set("MeasureTimeout", "00:00:02");

        var (result, elapsed) = await h.MeasureAsync();

        Assert.Null(result.FirstC);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.2));

        h.Set("ModelOffsetC", "2.4");
        h.Scene.PutVisitor(36.6); // the scene uses the new model too
        h.Set("ModelOffsetC", "1.4");
        var (shifted, _) = await h.MeasureAsync();
        Assert.Equal(35.6, shifted.FirstC!.Value, 0.05);
    }

    [Fact]
    public async Task InvalidReloadKeepsThePreviousSettings()
    {
        using var h = new ThermometerHarness();
        h.Set("MeasureTimeout", "00:00:03");
        await h.MeasureAsync();
        var reload = Record.Exception(() => h.Set("SampleCount", "1"));
        Assert.True(reload is null or AggregateException); // the options monitor reports the bad reload to the reloader

        var (result, elapsed) = await h.MeasureAsync();

        Assert.Null(result.FirstC);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.2));
        h.Scene.PutVisitor(36.6);
        var (good, _) = await h.MeasureAsync();
        Assert.Equal(36.6, good.FirstC!.Value, 0.05);
    }

    [Fact]
    public async Task AddressChangeReopensTheDevice()
    {
        using var h = new ThermometerHarness();
        h.Scene.PutVisitor(36.6);
        await h.MeasureAsync();
        Assert.Single(h.Opened);

        h.Set("Address", "91");
        var (result, _) = await h.MeasureAsync();

        Assert.True(result.Fault); // nothing answers at 0x5B
        Assert.Equal(0x5B, h.Opened[^1].DeviceAddress);

        h.Set("Address", "90");
        var (good, _) = await h.MeasureAsync();
        Assert.Equal(36.6, good.FirstC!.Value, 0.05);
        Assert.Empty(h.Alerts.Active);
    }

    [Fact]
    public async Task CancellationStopsTheMeasurement()
    {
        using var h = new ThermometerHarness();
        using var cancel = new CancellationTokenSource();
        var task = h.MeasureAsync(onTick: t =>
        {
            if (t >= TimeSpan.FromSeconds(1))
            {
                cancel.Cancel();
            }
        }, cancellationToken: cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public void IsRegisteredAsTheCheckpointPort()
    {
        using var h = new ThermometerHarness();
        Assert.Same(h.Thermometer, h.Port);
    }

    [Fact]
    public void InvalidSettingsFailValidation()
    {
        using var h = new ThermometerHarness(new Dictionary<string, string?>
        {
            ["Thermometer:SampleCount"] = "2",
            ["Thermometer:ModelAmbientCoefficient"] = "-0.5",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => h.Options.CurrentValue);
        Assert.Contains(ex.Failures, f => f.Contains("SampleCount"));
        Assert.Contains(ex.Failures, f => f.Contains("ModelAmbientCoefficient"));
    }

    [Fact]
    public void DefaultsAreValid()
    {
        Assert.True(new SectionValidator<ThermometerOptions>(ThermometerOptions.Section).Validate(null, new ThermometerOptions()).Succeeded);
        var options = new ThermometerOptions();
        Assert.Equal(TimeSpan.FromSeconds(5), options.MeasureTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RetestDelay);
        Assert.Equal(37.3, options.FeverThresholdC);
    }

    [Theory]
    [InlineData("Address", "200")]
    [InlineData("MeasureTimeout", "00:00:00")]
    [InlineData("SampleWindow", "00:00:10")]
    [InlineData("MinSkinC", "45")]
    [InlineData("MinAgreeingSamples", "9")]
    [InlineData("FaultAfterFailedReads", "0")]
    public void EachBadSettingIsNamed(string key, string value)
    {
        using var h = new ThermometerHarness(new Dictionary<string, string?> { [$"Thermometer:{key}"] = value });
        var ex = Assert.Throws<OptionsValidationException>(() => h.Options.CurrentValue);
        Assert.Contains(ex.Failures, f => f.Contains(key));
    }
}
