namespace Kiosk.Core.Checkpoint;

/// <summary>Frames → QR text.</summary>
public interface ICodeReader
{
    /// <summary>One sighting per processed frame (frames skipped by motion gating repeat the previous sighting).</summary>
    IAsyncEnumerable<CodeSighting> ReadAsync(CancellationToken cancellationToken);
}
