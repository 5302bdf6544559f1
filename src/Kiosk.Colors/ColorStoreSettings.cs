using System.Security.Cryptography;
using Kiosk.Core.Checkpoint;

namespace Kiosk.Colors;

/// <summary>How to open a <see cref="ColorStore"/>.</summary>
public sealed class ColorStoreSettings
{
    /// <summary>The SQLite file (created when missing).</summary>
    public required string DatabasePath { get; init; }

    /// <summary>The configured feed. A store made for another feed is emptied of color data at open, unless
    /// <see cref="ResetOnFeedChange"/> is false (then opening fails).</summary>
    public required string Feed { get; init; }

    /// <summary>The pinned authority key; the stored signed trust message is verified with it again at open.</summary>
    public required ECDsa AuthorityKey { get; init; }

    /// <summary>The provisioning trust list, used while no signed trust message has been received.</summary>
    public ITrustListSource? Provisioning { get; init; }

    /// <summary>Empty a store that holds another feed's data (the service after a reconfiguration); false makes
    /// <see cref="ColorStore.Open"/> throw <see cref="InvalidDataException"/> instead (the command line).</summary>
    public bool ResetOnFeedChange { get; init; } = true;

    /// <summary>Most gap batches kept aside; beyond it the highest seqs are dropped (a snapshot closes any gap).</summary>
    public int MaxPendingBatches { get; init; } = 1024;

    /// <summary>How long a writer waits for SQLite's write lock held by another process (the service and a
    /// technician's import share one file) before the write fails cleanly.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
