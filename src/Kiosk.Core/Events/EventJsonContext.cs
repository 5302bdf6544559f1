using System.Text.Json.Serialization;

namespace Kiosk.Core.Events;

/// <summary>Source-generated JSON for events (no reflection on the hot path; trimming-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = false)]
[JsonSerializable(typeof(DecisionEvent))]
[JsonSerializable(typeof(AlertEvent))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
