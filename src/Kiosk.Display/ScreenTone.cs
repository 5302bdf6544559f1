namespace Kiosk.Display;

/// <summary>
/// The backgrounds the display draws (<c>Rendering/Palette.cs</c>): neutral blues and greys only, so no screen can be
/// read as a health color.
/// </summary>
public enum ScreenTone
{
    /// <summary>Deep navy.</summary>
    DeepNavy,

    /// <summary>Navy.</summary>
    Navy,

    /// <summary>Strong blue.</summary>
    StrongBlue,

    /// <summary>Slate grey.</summary>
    SlateGrey,

    /// <summary>Grey.</summary>
    Grey,

    /// <summary>Near black.</summary>
    NearBlack,
}
