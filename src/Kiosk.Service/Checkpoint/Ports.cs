using HealthCode.Formats;
using HealthCode.Formats.Identity;
using Kiosk.Display;

namespace Kiosk.Service.Checkpoint;

// The seams of the checkpoint pipeline. Each stage is implemented elsewhere (codes, colors,
// thermometer, camera, display, outputs, fleet) and the pipeline only sees these.

/// <summary>What the code verifier hands the policy (health-code.md, "Verdicts of one code").</summary>
/// <param name="Verdict">The verdict.</param>
/// <param name="Issuer">The code's <c>iss</c>, when the code was decoded.</param>
/// <param name="Claims">The health-code claim of a decoded, signature-checked code.</param>
public sealed record VerifiedCode(CodeVerdict Verdict, string? Issuer, HealthCodeClaim? Claims)
{
    public static VerifiedCode NotACode { get; } = new(CodeVerdict.NotACode, null, null);
}

/// <summary>Turns QR text into a verdict, offline, against the current trust list.</summary>
public interface ICodeVerifier
{
    VerifiedCode Verify(string qrText, DateTimeOffset now);
}

/// <summary>The issuer keys in force: from the latest signed trust message, else the provisioning file.</summary>
public interface ITrustListSource
{
    TrustList Current { get; }
}

/// <summary>The state of the locally cached color data (color-feed.md).</summary>
/// <param name="Feed">Configured feed name.</param>
/// <param name="Seq">Local seq; null before the first snapshot.</param>
/// <param name="InSyncAsOf">The latest <c>at</c> after which the kiosk was in sync; null = never synced.</param>
/// <param name="LatestSignedAt">The latest signed <c>at</c> of any accepted message (a lower bound on now).</param>
/// <param name="RecordCount">Records held.</param>
/// <param name="OutOfSync">A gap or a newer heartbeat was seen and not yet closed.</param>
public sealed record ColorDataState(string Feed, ulong? Seq, DateTimeOffset? InSyncAsOf, DateTimeOffset? LatestSignedAt, long RecordCount, bool OutOfSync)
{
    /// <summary>Document records held (people known by ID card, identity.md).</summary>
    public long DocumentRecordCount { get; init; }

    /// <summary>Freshness = now − InSyncAsOf (rule 5); null when never synced.</summary>
    public TimeSpan? FreshnessAt(DateTimeOffset now) => InSyncAsOf is { } t ? now - t : null;
}

/// <summary>The locally cached color records, served from memory.</summary>
public interface IColorStore
{
    /// <summary>The cached record for (issuer, id), if any. Must not touch the disk.</summary>
    bool TryLookup(string issuer, CodeId id, out HealthColor color, out long colorTime);

    /// <summary>The cached document record for a card's docRef, if any (identity.md, the card path). Must not touch the disk.</summary>
    bool TryLookupDocument(DocRef docRef, out HealthColor color, out long colorTime);

    ColorDataState State { get; }
}

/// <summary>The outcome of the measuring protocol: the first reading and, when it was at or above the fever threshold, one retest.</summary>
/// <param name="FirstC">Core-equivalent temperature of the first reading; null when none within the timeout.</param>
/// <param name="RetestC">Core-equivalent temperature of the retest; null when not retested or none within the timeout.</param>
/// <param name="AmbientC">Ambient temperature seen by the sensor, for telemetry.</param>
/// <param name="Fault">The sensor failed (as opposed to nobody in front of it).</param>
public sealed record TemperatureResult(double? FirstC, double? RetestC, double? AmbientC, bool Fault)
{
    public static TemperatureResult Unavailable { get; } = new(null, null, null, false);
}

/// <summary>Measures a visitor's core-equivalent body temperature (the protocol around the MLX90614).</summary>
public interface IBodyThermometer
{
    /// <summary>Waits for a forehead, samples, converts, retests once when feverish; never longer than MeasureTimeout per reading.</summary>
    Task<TemperatureResult> MeasureAsync(CancellationToken cancellationToken);
}

/// <summary>One look at the camera: the QR text in view, or null when none.</summary>
public readonly record struct CodeSighting(DateTimeOffset At, string? Text);

/// <summary>Frames → QR text.</summary>
public interface ICodeReader
{
    /// <summary>One sighting per processed frame (frames skipped by motion gating repeat the previous sighting).</summary>
    IAsyncEnumerable<CodeSighting> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>The visitor's screen. Implementations never throw: a failing sink raises <c>display_fault</c> itself.</summary>
public interface IScreen
{
    void Show(ScreenModel model);

    /// <summary>The screen now shown, for the fleet <c>screenshot</c> command.</summary>
    ScreenModel? Current { get; }
}

/// <summary>Gate relay, LEDs and buzzer as the checkpoint uses them.</summary>
public interface IIndicators
{
    /// <summary>PASS: gate pulse, green LED, pass tone.</summary>
    void SignalPass();

    /// <summary>REFER: red LED, refer tone; the gate stays shut.</summary>
    void SignalRefer();

    /// <summary>Fault: fault tone pattern.</summary>
    void SignalFault();

    /// <summary>Back to idle: LEDs off.</summary>
    void Clear();

    /// <summary>Audited manual release (fleet <c>open-gate</c>).</summary>
    void OpenGate();
}

/// <summary>Alert kinds of mqtt.md.</summary>
public static class AlertKinds
{
    public const string AssistRequested = "assist_requested";
    public const string ThermometerFault = "thermometer_fault";
    public const string CameraFault = "camera_fault";
    public const string CardReaderFault = "card_reader_fault";
    public const string DisplayFault = "display_fault";
    public const string ColorDataStale = "color_data_stale";
    public const string FeedMessageRejected = "feed_message_rejected";
    public const string ClockFault = "clock_fault";
    public const string OutboxOverflow = "outbox_overflow";
    public const string FeedGap = "feed_gap";
    public const string GateOpened = "gate_opened";
    public const string AudioFault = "audio_fault";
    public const string FleetFault = "fleet_fault";
}

/// <summary>Where components report faults. Raising an active alert again only updates its detail; events go out on change.</summary>
/// <remarks>A <c>detail</c> is technical text for a technician: never QR text, names, ids or colors.</remarks>
public interface IAlerts
{
    /// <summary>Raises (or keeps raised) a condition such as <c>thermometer_fault</c>.</summary>
    void Raise(string kind, string detail);

    /// <summary>Clears a condition; no-op when not active.</summary>
    void Clear(string kind, string detail = "recovered");

    /// <summary>A one-off alert with no lasting state (e.g. <c>assist_requested</c>, <c>feed_message_rejected</c>).</summary>
    void Notify(string kind, string detail);

    /// <summary>Kinds now active, for <c>status.problems</c>.</summary>
    IReadOnlyCollection<string> Active { get; }
}
