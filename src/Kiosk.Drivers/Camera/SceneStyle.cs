namespace Kiosk.Drivers.Camera;

/// <summary>How the phone is held and how the camera sees it.</summary>
/// <param name="CodeFraction">Side of the code (without quiet zone) as a fraction of the frame height.</param>
/// <param name="RotationDegrees">In-plane rotation of the phone.</param>
/// <param name="TiltX">Perspective: tilt about the vertical axis (−0.5…0.5; 0 = facing the camera).</param>
/// <param name="TiltY">Perspective: tilt about the horizontal axis (−0.5…0.5).</param>
/// <param name="OffsetX">Phone centre offset from the frame centre, fraction of the frame width.</param>
/// <param name="OffsetY">Phone centre offset from the frame centre, fraction of the frame height.</param>
/// <param name="Blur">Defocus / motion blur, Gaussian sigma in frame pixels.</param>
/// <param name="Noise">Sensor noise, standard deviation in grey levels.</param>
/// <param name="Glare">Strength of a specular glare spot on the glossy screen (0…1).</param>
/// <param name="Moire">Contrast of the screen's pixel grid aliased by the camera (0…1).</param>
/// <param name="Exposure">Gain: below 1 dim, above 1 bright (clipping the white screen).</param>
/// <param name="Seed">Seed of everything random in the scene (background, glare position, noise).</param>
public sealed record SceneStyle(
    double CodeFraction = 0.45,
    double RotationDegrees = 7,
    double TiltX = 0.02,
    double TiltY = 0.0,
    double OffsetX = 0.0,
    double OffsetY = 0.0,
    double Blur = 0.0,
    double Noise = 2.0,
    double Glare = 0.0,
    double Moire = 0.0,
    double Exposure = 1.0,
    int Seed = 1)
{
    /// <summary>The scenario player's default: a clean, moderately sized, slightly tilted code, read on the first frame.</summary>
    public static SceneStyle Default { get; } = new();

    /// <summary>A varied, realistic hold (a fifth to half of the frame, tilt, blur, glare, moiré, exposure), deterministic per seed.</summary>
    public static SceneStyle Varied(int seed)
    {
        var r = new Random(seed);
        double Between(double lo, double hi) => lo + r.NextDouble() * (hi - lo);
        return new SceneStyle(
            CodeFraction: Between(0.25, 0.55),
            RotationDegrees: Between(-25, 25),
            TiltX: Between(-0.08, 0.08),
            TiltY: Between(-0.06, 0.06),
            OffsetX: Between(-0.15, 0.15),
            OffsetY: Between(-0.08, 0.08),
            Blur: r.NextDouble() < 0.4 ? Between(0.3, 1.2) : 0,
            Noise: Between(1, 5),
            Glare: r.NextDouble() < 0.4 ? Between(0.2, 0.6) : 0,
            Moire: r.NextDouble() < 0.4 ? Between(0.05, 0.25) : 0,
            Exposure: Between(0.6, 1.3),
            Seed: seed);
    }
}
