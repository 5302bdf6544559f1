using HealthCode.Formats;

namespace Kiosk.Core.Checkpoint;

/// <summary>The issuer keys in force: from the latest signed trust message, else the provisioning file.</summary>
public interface ITrustListSource
{
    TrustList Current { get; }
}
