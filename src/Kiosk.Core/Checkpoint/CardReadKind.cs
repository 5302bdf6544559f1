namespace Kiosk.Core.Checkpoint;

/// <summary>What one look at the reader found.</summary>
public enum CardReadKind
{
    /// <summary>No card on the reader.</summary>
    NoCard,

    /// <summary>A card read whole: <see cref="CardSighting.Card"/> is set.</summary>
    Read,

    /// <summary>A card was found (<c>9F</c>) but not read whole within <c>Identity:ReadTimeout</c> of finding it.</summary>
    Unreadable,

    /// <summary>The module is faulty or silent (<c>60</c>, <c>66</c>, no answer): not a card; no decision is made on it.</summary>
    ReaderFault,
}
