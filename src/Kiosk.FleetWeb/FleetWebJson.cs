namespace Kiosk.FleetWeb;

/// <summary>The console's JSON (source-generated).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(TableUpdate))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
public sealed partial class FleetWebJson : System.Text.Json.Serialization.JsonSerializerContext;
