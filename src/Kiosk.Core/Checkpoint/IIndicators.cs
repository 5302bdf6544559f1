namespace Kiosk.Core.Checkpoint;

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
