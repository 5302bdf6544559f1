using HealthCode.Formats;
using HealthCode.Formats.Identity;

namespace Kiosk.Core.Checkpoint;

/// <summary>The locally cached color records, served from memory.</summary>
public interface IColorStore
{
    /// <summary>The cached record for (issuer, id), if any. Must not touch the disk.</summary>
    bool TryLookup(string issuer, CodeId id, out HealthColor color, out long colorTime);

    /// <summary>The cached document record for a card's docRef, if any (identity.md, the card path). Must not touch the disk.</summary>
    bool TryLookupDocument(DocRef docRef, out HealthColor color, out long colorTime);

    ColorDataState State { get; }
}
