namespace Kiosk.Drivers.IdCard;

/// <summary>What one <see cref="IdCardReader.PollAsync"/> found.</summary>
public enum IdCardPollOutcome
{
    /// <summary>No card on the reader (<c>80</c>), or the card found was taken away before it was read.</summary>
    NoCard,

    /// <summary>A card read whole: <see cref="IdCardPollResult.Card"/> is set.</summary>
    CardRead,

    /// <summary>A card was found but not read whole within the read timeout of finding it.</summary>
    CardUnreadable,

    /// <summary>The module reported a fault (<c>60</c>, <c>66</c>) or stayed silent: not a card.</summary>
    ModuleFault,

    /// <summary>No card was being read and the exchange failed (a bad frame, an unexpected status).</summary>
    TransferError,

    /// <summary>The serial port itself failed (unplugged, closed): the reader should be reopened.</summary>
    PortError,
}
