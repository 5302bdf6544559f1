namespace Kiosk.Simulation;

/// <summary>Feed messages in: the same code path as messages from MQTT.</summary>
public interface IFeedIngress
{
    /// <summary>Verifies and applies one raw COSE_Sign1 feed message; returns a one-line, data-free description of what happened.</summary>
    string Apply(byte[] message);
}
