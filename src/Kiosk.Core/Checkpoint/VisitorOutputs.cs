using HealthCode.Formats;

namespace Kiosk.Core.Checkpoint;

/// <summary>
/// What the visitor sees and what the gate does at each stage of the checkpoint: the prompt on the screen, with the
/// status strip, and the indicators (gate, lamps, buzzer). The <see cref="CheckpointLoop"/> decides when.
/// </summary>
/// <param name="screen">The visitor's screen.</param>
/// <param name="indicators">Gate, lamps, buzzer.</param>
/// <param name="status">Status strip and idle screen.</param>
public sealed class VisitorOutputs(IScreen screen, IIndicators indicators, IKioskStatus status)
{
    /// <summary>Nobody is being served: lamps off, the idle prompt (or offline, or fault) as of <paramref name="now"/>.</summary>
    public void ShowIdle(DateTimeOffset now)
    {
        indicators.Clear();
        screen.Show(status.IdlePrompt(now));
    }

    /// <summary>Rules 8-10 (and C7): the measuring screen, with the holder's masked name.</summary>
    public void ShowMeasuring(DateTimeOffset now, string? maskedName, bool proxy) =>
        screen.Show(new VisitorPrompt(PromptKind.Measuring, status.Line(now), maskedName, proxy));

    /// <summary>Rule 7a (document mode): asks for the holder's ID card.</summary>
    public void ShowPlaceCard(DateTimeOffset now, string? maskedName, bool proxy) =>
        screen.Show(new VisitorPrompt(PromptKind.PlaceCard, status.Line(now), maskedName, proxy));

    /// <summary>
    /// Shows a decision and acts on it: PASS opens the gate; REFER keeps it shut and shows the offline screen for a
    /// clock or data fault, else the neutral refer screen (the reason stays in the backend).
    /// </summary>
    public void ShowDecision(DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var strip = status.Line(record.DecidedAt);
        var claims = record.Code is { Verdict: CodeVerdict.Valid } code ? code.Claims : null;
        var name = claims?.MaskedName ?? record.Card?.MaskedName;
        var proxy = claims?.Proxy ?? false;
        if (record.Decision.Outcome == Outcome.Pass)
        {
            screen.Show(new VisitorPrompt(PromptKind.Pass, strip, name, proxy));
            indicators.SignalPass();
            return;
        }

        var prompt = record.Decision.Reason switch
        {
            Reason.ClockFault => new VisitorPrompt(PromptKind.Offline, strip, Detail: "clock"),
            Reason.ColorDataStale => new VisitorPrompt(PromptKind.Offline, strip, Detail: "data"),
            _ => new VisitorPrompt(PromptKind.Refer, strip, name, proxy, record.Decision.Reason),
        };
        screen.Show(prompt);
        indicators.SignalRefer();
    }
}
