namespace Kiosk.Simulation;

/// <summary>Feed messages in: the same code path as messages from MQTT.</summary>
public interface IFeedIngress
{
    /// <summary>Verifies and applies one raw COSE_Sign1 feed message; returns a one-line, data-free description of what happened.</summary>
    string Apply(byte[] message);

    /// <summary>A manifest and its parts, the way the feed link delivers them: the manifest, then each part the kiosk's
    /// fetch asks for (rules 9 and 10); returns a one-line, data-free description of the last outcome.</summary>
    string ApplyManifest(byte[] manifest, IReadOnlyList<byte[]> parts);
}
