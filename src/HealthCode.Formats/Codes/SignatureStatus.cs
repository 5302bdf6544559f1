namespace HealthCode.Formats;

/// <summary>The signature outcome of <c>kiosk inspect</c>.</summary>
public enum SignatureStatus
{
    Valid,
    Invalid,
    UnknownKid,
    NotChecked,
}
