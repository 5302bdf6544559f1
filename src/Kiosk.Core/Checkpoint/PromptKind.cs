namespace Kiosk.Core.Checkpoint;

/// <summary>
/// Which screen the visitor is given: the one list of screens (the display draws what it is handed and has no list of its
/// own). What each says, on the screen and aloud, is its rows of <see cref="PromptTable"/>.
/// </summary>
public enum PromptKind
{
    /// <summary>Waiting: show your code (and, with a reader, or place your ID card).</summary>
    Idle,

    /// <summary>A code was read: hold still for the temperature.</summary>
    Measuring,

    /// <summary>The gate opens.</summary>
    Pass,

    /// <summary>Staff will help; <see cref="VisitorPrompt.Reason"/> says why (never shown as a color).</summary>
    Refer,

    /// <summary>The kiosk cannot decide (stale color data, a clock behind the feed).</summary>
    Offline,

    /// <summary>A device the checkpoint needs has failed.</summary>
    Fault,

    /// <summary>The code needs its holder's ID card on the reader (document mode).</summary>
    PlaceCard,

    /// <summary>The assist button was pressed: staff have been notified (shown for a few seconds over the screen).</summary>
    Assist,

    /// <summary>Waiting, and the camera has seen a code it cannot read for a second: move it closer, hold it still.</summary>
    Aiming,
}
