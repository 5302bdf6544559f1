namespace Kiosk.Core.Checkpoint;

/// <summary>The ID card reader, polled: one sighting per poll (find → select → read).</summary>
public interface ICardReader
{
    IAsyncEnumerable<CardSighting> ReadAsync(CancellationToken cancellationToken);
}
