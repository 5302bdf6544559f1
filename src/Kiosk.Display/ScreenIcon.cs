namespace Kiosk.Display;

/// <summary>
/// The icons the display draws (as paths in a light disc, <c>Rendering/ScreenIcons.cs</c>). Shapes, not colors, tell
/// the screens apart: a check mark and a person raising a hand differ in greyscale too.
/// </summary>
public enum ScreenIcon
{
    /// <summary>A QR symbol (three finder squares and modules).</summary>
    QrCode,

    /// <summary>A small QR symbol with four arrows pointing out of its corners: bring the code closer (aiming help).</summary>
    QrCloser,

    /// <summary>A thermometer with a scale.</summary>
    Thermometer,

    /// <summary>An ID card above a reader, with an arrow down.</summary>
    CardOnReader,

    /// <summary>A check mark.</summary>
    Check,

    /// <summary>A person raising a hand.</summary>
    RaisedHand,

    /// <summary>A pause symbol (two bars).</summary>
    Pause,

    /// <summary>A warning triangle with an exclamation mark.</summary>
    Warning,

    /// <summary>A bell: staff have been notified (the assist button).</summary>
    Bell,
}
