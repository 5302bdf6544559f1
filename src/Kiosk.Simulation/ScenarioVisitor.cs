namespace Kiosk.Simulation;

/// <summary>One visitor of a scenario (cli.md).</summary>
/// <param name="AtSeconds">When the visitor steps up (or later, when the kiosk is ready again).</param>
/// <param name="Qr">QR text shown, or null.</param>
/// <param name="QrImage">Encoded image (PNG, JPEG, WebP) of the QR shown, or null.</param>
/// <param name="QrImageFile">File name of that image, for messages.</param>
/// <param name="BodyTemperatureC">Core temperature; null = nobody in front of the sensor.</param>
/// <param name="Assist">Presses the assist button.</param>
/// <param name="SensorNoiseC">Standard deviation of sensor noise, °C (0 = none).</param>
/// <param name="Card">The visitor's ID card, if any (identity.md, "Scenario files").</param>
public sealed record ScenarioVisitor(double AtSeconds, string? Qr, byte[]? QrImage, string? QrImageFile, double? BodyTemperatureC, bool Assist, double SensorNoiseC, ScenarioCard? Card = null)
{
    /// <summary>
    /// The visitor first holds the code too far from the camera to be read (<see cref="SimulatedWorld"/>'s far hold):
    /// set by the aiming benchmark and tests, not by scenario files (cli.md has no such key).
    /// </summary>
    public bool StartsFar { get; init; }

    public bool ShowsCode => Qr is not null || QrImage is not null;

    /// <summary>A card and no code: the card path.</summary>
    public bool TakesCardPath => !ShowsCode && Card is not null;

    /// <summary>The kiosk decides this visitor (a code, a card, or both).</summary>
    public bool IsDecided => ShowsCode || Card is not null;
}
