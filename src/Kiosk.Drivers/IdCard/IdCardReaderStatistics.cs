namespace Kiosk.Drivers.IdCard;

/// <summary>Counters of one <see cref="IdCardReader"/> since it was created (a snapshot).</summary>
/// <param name="Exchanges">Requests sent (each retry counts).</param>
/// <param name="NoResponses">Exchanges with not one byte back within the response timeout (silence).</param>
/// <param name="BadPreambles">Exchanges whose bytes never held a preamble.</param>
/// <param name="BadLengths">Frames with an impossible <c>LEN</c>.</param>
/// <param name="BadChecksums">Frames whose <c>CHK</c> did not match.</param>
/// <param name="TruncatedFrames">Frames cut short (the rest did not arrive within the response timeout).</param>
/// <param name="BadReadReplies">Well-formed <c>30 01</c> replies whose text/photo lengths disagree with the data.</param>
/// <param name="DiscardedBytes">Bytes dropped while resynchronising on the next preamble.</param>
/// <param name="Retries">Find → select → read repeated for a found card after a failed attempt.</param>
/// <param name="CardsRead">Polls that read a card whole.</param>
/// <param name="CardsUnreadable">Polls that reported a found card unreadable.</param>
/// <param name="ModuleFaults">Polls that ended in a module fault (<c>60</c>, <c>66</c>, silence).</param>
public readonly record struct IdCardReaderStatistics(
    long Exchanges,
    long NoResponses,
    long BadPreambles,
    long BadLengths,
    long BadChecksums,
    long TruncatedFrames,
    long BadReadReplies,
    long DiscardedBytes,
    long Retries,
    long CardsRead,
    long CardsUnreadable,
    long ModuleFaults)
{
    /// <summary>Exchanges that ended in a transfer error of any kind (silence included).</summary>
    public long TransferErrors => NoResponses + BadPreambles + BadLengths + BadChecksums + TruncatedFrames + BadReadReplies;
}
