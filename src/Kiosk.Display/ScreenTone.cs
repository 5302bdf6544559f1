namespace Kiosk.Display;

/// <summary>
/// The backgrounds the display draws (<c>Rendering/Palette.cs</c>): neutral blues and greys only, so no screen can be
/// read as a health color. PASS, REFER and the waiting screens differ by luminance at least 3:1, so they are told apart
/// at a glance (and by icon), and every text has at least 4.5:1 against its background.
/// </summary>
public enum ScreenTone
{
    /// <summary>Mid blue: the waiting screens (idle).</summary>
    Blue,

    /// <summary>Steel blue, as light as <see cref="Blue"/>: a step of the check (measuring, place card).</summary>
    SteelBlue,

    /// <summary>Pale blue with dark text: PASS.</summary>
    PaleBlue,

    /// <summary>Near black: REFER.</summary>
    Ink,

    /// <summary>Dark grey: checks paused.</summary>
    Grey,

    /// <summary>Near black: device fault.</summary>
    NearBlack,
}
