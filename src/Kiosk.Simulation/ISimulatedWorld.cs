namespace Kiosk.Simulation;

/// <summary>What stands in front of the simulated kiosk: the phone at the camera, the forehead at the sensor, the assist button.</summary>
public interface ISimulatedWorld
{
    /// <summary>A phone showing this QR text is held at the camera (<paramref name="startsFar"/>: at first too far away to be read).</summary>
    void ShowQrText(string text, int seed, bool startsFar = false);

    /// <summary>A phone showing this image (PNG, JPEG or WebP of a QR) is held at the camera.</summary>
    void ShowQrImage(byte[] encodedImage, int seed);

    /// <summary>Nothing in front of the camera.</summary>
    void ClearCamera();

    /// <summary>A forehead of this core temperature at the sensor (null: nobody), with optional sensor noise.</summary>
    void SetForehead(double? coreTemperatureC, double noiseC, int seed);

    /// <summary>Presses the assist button.</summary>
    void PressAssist();

    /// <summary>Lays this ID card on the reader (it stays until <see cref="RemoveCard"/>).</summary>
    void PlaceCard(ScenarioCard card);

    /// <summary>Takes the card off the reader, if one lies there.</summary>
    void RemoveCard();
}
