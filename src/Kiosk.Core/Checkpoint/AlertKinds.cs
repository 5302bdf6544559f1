namespace Kiosk.Core.Checkpoint;

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

    /// <summary>One-off: another client connected with this kiosk's id and took its broker session (mqtt.md names no
    /// kind for it; ours).</summary>
    public const string DuplicateKioskId = "duplicate_kiosk_id";
}
