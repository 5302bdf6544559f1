namespace Kiosk.Core.Checkpoint;

/// <summary>
/// Where the kiosk is in the flow: idle → code seen → verified → color looked up → (waiting for the holder's card) →
/// measuring → decided → shown and acted on → reported; on the card path idle → card seen → color looked up → ...
/// </summary>
public enum CheckpointPhase
{
    Idle,
    CodeSeen,
    Verified,
    ColorLookedUp,
    Measuring,
    Decided,
    Showing,

    /// <summary>Document mode: <c>place_card</c> is shown, waiting up to <c>Identity:CardTimeout</c> for the holder's valid card.</summary>
    WaitingForCard,

    /// <summary>A card alone came onto the reader: the card path (identity.md).</summary>
    CardSeen,
}
