using Kiosk.Devices.Temperature;

namespace Kiosk.Service.Tests.Temperature;

public class SkinToCoreModelTests
{
    private static readonly SkinToCoreModel Model = SkinToCoreModel.Default;

    public static TheoryData<double> Ambients => [-5.0, 10.0, 16.0, 22.0, 28.0, 35.0, 40.0, 45.0];

    [Theory]
    [MemberData(nameof(Ambients))]
    public void StrictlyIncreasingOverTheSkinWindow(double ambientC)
    {
        var previous = double.NegativeInfinity;
        for (var skin = 30.0; skin <= 43.0 + 1e-9; skin += 0.01)
        {
            var core = Model.CoreFromSkin(skin, ambientC);
            Assert.True(core > previous, $"not increasing at skin {skin:0.00} °C, ambient {ambientC} °C");
            previous = core;
        }
    }

    [Fact]
    public void ClampedOutsideTheSkinWindowNeverTurnsBackUp()
    {
        Assert.Equal(Model.CoreFromSkin(30.0, 22.0), Model.CoreFromSkin(25.0, 22.0));
        Assert.Equal(Model.CoreFromSkin(43.0, 22.0), Model.CoreFromSkin(48.0, 22.0));
        for (var skin = 20.0; skin < 33.0; skin += 0.1)
        {
            Assert.True(Model.CoreFromSkin(skin, 22.0) <= Model.CoreFromSkin(33.0, 22.0));
        }
    }

    [Fact]
    public void ColderRoomMeansLargerCoreToSkinGradient()
    {
        Assert.True(Model.CoreFromSkin(34.0, 15.0) > Model.CoreFromSkin(34.0, 28.0));
    }

    [Fact]
    public void DefaultsMapATypicalForeheadToANormalCore()
    {
        Assert.InRange(Model.CoreFromSkin(34.1, 22.0), 36.4, 36.8);
    }

    [Theory]
    [MemberData(nameof(Ambients))]
    public void InverseIsExactOverTheValidRange(double ambientC)
    {
        for (var skin = 30.0; skin <= 43.0; skin += 0.05)
        {
            var core = Model.CoreFromSkin(skin, ambientC);
            Assert.Equal(skin, Model.SkinFromCore(core, ambientC), 0.01);
            Assert.Equal(core, Model.CoreFromSkin(Model.SkinFromCore(core, ambientC), ambientC), 0.01);
            Assert.True(Math.Abs(skin - Model.SkinFromCore(core, ambientC)) < 1e-9);
        }
    }

    [Fact]
    public void InverseHoldsForOtherCoefficients()
    {
        var model = new SkinToCoreModel(0.5, 0.3, 30, 43, 5, 35);
        for (var core = 34.0; core <= 42.0; core += 0.1)
        {
            var skin = model.SkinFromCore(core, 20.0);
            if (skin > 30 && skin < 43)
            {
                Assert.Equal(core, model.CoreFromSkin(skin, 20.0), 9);
            }
        }
    }

    [Fact]
    public void OptionsBuildTheModel()
    {
        var options = new ThermometerOptions { ModelOffsetC = 2.0, ModelAmbientCoefficient = 0.2, ModelMinAmbientC = 5, ModelMaxAmbientC = 35 };
        Assert.Equal(new SkinToCoreModel(2.0, 0.2, 30, 43, 5, 35), options.Model);
    }
}
