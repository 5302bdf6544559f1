namespace Kiosk.Devices.Temperature;

/// <summary>
/// Converts a forehead skin temperature to a core-equivalent temperature, and back.
/// </summary>
/// <remarks>
/// <para>A heat-balance model: heat flowing from the core through the skin equals heat lost from the skin to
/// the room, so the core-to-skin gradient is proportional to the skin-to-ambient gradient:</para>
/// <code>core = skin + OffsetC + K × (skin − ambient)</code>
/// <para>with skin clamped to [MinSkinC, MaxSkinC] and ambient clamped to [MinAmbientC, MaxAmbientC]
/// (outside the range it was fitted for the model is not extrapolated). With K ≥ 0 the model is strictly
/// increasing in skin temperature (slope 1 + K) inside the skin window, for every ambient. Polynomial fits
/// of skin-to-core data published for IR thermometers can turn back up below about 33 °C skin (a cold
/// forehead would read as a fever); a linear model cannot. Defaults (OffsetC 1.4, K 0.09) map 34.1 °C skin
/// at 22 °C ambient to about 36.6 °C; calibrate them per site against a reference thermometer.</para>
/// <para><see cref="SkinFromCore"/> is the exact inverse inside the skin window.</para>
/// </remarks>
/// <param name="OffsetC">Constant term, °C.</param>
/// <param name="AmbientCoefficient">K, the weight of the skin-ambient gradient (0…1).</param>
/// <param name="MinSkinC">Lower clamp of skin temperature.</param>
/// <param name="MaxSkinC">Upper clamp of skin temperature.</param>
/// <param name="MinAmbientC">Lower clamp of ambient temperature.</param>
/// <param name="MaxAmbientC">Upper clamp of ambient temperature.</param>
public sealed record SkinToCoreModel(
    double OffsetC,
    double AmbientCoefficient,
    double MinSkinC,
    double MaxSkinC,
    double MinAmbientC,
    double MaxAmbientC)
{
    /// <summary>The model with the default coefficients of <see cref="ThermometerOptions"/>.</summary>
    public static SkinToCoreModel Default { get; } = new ThermometerOptions().Model;

    /// <summary>Core-equivalent temperature for a skin temperature at an ambient temperature.</summary>
    public double CoreFromSkin(double skinC, double ambientC)
    {
        var skin = Math.Clamp(skinC, MinSkinC, MaxSkinC);
        var ambient = Math.Clamp(ambientC, MinAmbientC, MaxAmbientC);
        return skin + OffsetC + AmbientCoefficient * (skin - ambient);
    }

    /// <summary>The skin temperature that <see cref="CoreFromSkin"/> maps to <paramref name="coreC"/> at this ambient (clamped to the skin window).</summary>
    public double SkinFromCore(double coreC, double ambientC)
    {
        var ambient = Math.Clamp(ambientC, MinAmbientC, MaxAmbientC);
        var skin = (coreC - OffsetC + AmbientCoefficient * ambient) / (1.0 + AmbientCoefficient);
        return Math.Clamp(skin, MinSkinC, MaxSkinC);
    }
}
