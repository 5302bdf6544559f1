namespace Kiosk.Display.Rendering;

/// <summary>What a run of text is on the screen.</summary>
public enum TextRole
{
    /// <summary>The headline (bold, the largest).</summary>
    Headline,

    /// <summary>The holder's masked name (bold).</summary>
    Name,

    /// <summary>A line of body text.</summary>
    Body,

    /// <summary>A hint, in the secondary text color.</summary>
    Hint,

    /// <summary>The 代 note under the name.</summary>
    Note,

    /// <summary>The technical detail (offline, fault).</summary>
    Detail,

    /// <summary>A text of the status strip.</summary>
    Strip,

    /// <summary>The 代 mark in its box.</summary>
    Badge,
}
