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
    /// <summary>How often an idle kiosk looks at its state (alerts, fleet link, color data, clock) to keep its screen true.</summary>
    public static readonly TimeSpan IdleRefresh = TimeSpan.FromSeconds(1);

    /// <summary>The idle prompt on the screen now and what it draws; null while a visitor is served.</summary>
    private (VisitorPrompt Prompt, IdleLook Look)? _idle;

    /// <summary>
    /// Nobody is being served: lamps off, the idle prompt (or offline, or fault) as of <paramref name="now"/>; with
    /// <paramref name="aimingHelp"/>, the idle prompt asks the visitor to move the code closer and hold it still.
    /// </summary>
    public void ShowIdle(DateTimeOffset now, bool aimingHelp = false)
    {
        indicators.Clear();
        var prompt = IdlePrompt(now, aimingHelp);
        _idle = (prompt, IdleLook.Of(prompt));
        screen.Show(prompt);
    }

    /// <summary>
    /// While idle: the idle prompt as of <paramref name="now"/>, drawn again when anything it shows changed (idle, paused
    /// or fault, the fleet link, the data's age as the strip writes it, the minute of the clock). A new screen (idle
    /// becomes offline, a fault clears) is shown and spoken; the same screen with a new strip is only redrawn. Returns
    /// whether the screen changed. Does nothing before the first <see cref="ShowIdle"/> or while a visitor is served.
    /// The aiming help (<paramref name="aimingHelp"/>: an unreadable code in view) turns the idle prompt into
    /// <see cref="PromptKind.Aiming"/>, shown and said once; when it ends the idle prompt is drawn again, not said again.
    /// </summary>
    public bool RefreshIdle(DateTimeOffset now, bool aimingHelp = false)
    {
        if (_idle is not { } shown)
        {
            return false;
        }

        var prompt = IdlePrompt(now, aimingHelp);
        var look = IdleLook.Of(prompt);
        if (look == shown.Look)
        {
            return false;
        }

        _idle = (prompt, look);
        if (look.SameScreen(shown.Look) || (shown.Look.Kind == PromptKind.Aiming && look.Kind == PromptKind.Idle))
        {
            screen.Redraw(prompt);
        }
        else
        {
            screen.Show(prompt);
        }

        return true;
    }

    /// <summary>The idle prompt as of <paramref name="now"/>; a waiting kiosk (not paused, no fault) gives the aiming help instead when it is due.</summary>
    private VisitorPrompt IdlePrompt(DateTimeOffset now, bool aimingHelp)
    {
        var prompt = status.IdlePrompt(now);
        return aimingHelp && prompt.Kind == PromptKind.Idle ? prompt with { Kind = PromptKind.Aiming, OffersCard = false } : prompt;
    }

    /// <summary>Rules 8-10 (and C7): the measuring screen, with the holder's masked name.</summary>
    public void ShowMeasuring(DateTimeOffset now, string? maskedName, bool proxy)
    {
        _idle = null;
        screen.Show(new VisitorPrompt(PromptKind.Measuring, status.Line(now), maskedName, proxy));
    }

    /// <summary>Rule 7a (document mode): asks for the holder's ID card.</summary>
    public void ShowPlaceCard(DateTimeOffset now, string? maskedName, bool proxy)
    {
        _idle = null;
        screen.Show(new VisitorPrompt(PromptKind.PlaceCard, status.Line(now), maskedName, proxy));
    }

    /// <summary>
    /// Shows a decision and acts on it: PASS opens the gate; REFER keeps it shut and shows the offline screen for a
    /// clock or data fault, else the neutral refer screen (the reason stays in the backend).
    /// </summary>
    public void ShowDecision(DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _idle = null;
        var strip = status.Line(record.DecidedAt);
        var claims = record.Code is { Verdict: CodeVerdict.Valid } code ? code.Claims : null;
        var name = claims?.MaskedName ?? record.Card?.MaskedName;
        var proxy = claims?.Proxy ?? false;
        if (record.Decision.Outcome == Outcome.Pass)
        {
            var measured = record.Temperature is { } t ? t.RetestC ?? t.FirstC : null;
            screen.Show(new VisitorPrompt(PromptKind.Pass, strip, name, proxy, TemperatureC: measured));
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

    /// <summary>What an idle screen shows, compared to decide whether to draw it again.</summary>
    private readonly record struct IdleLook(PromptKind Kind, string? Detail, bool OffersCard, bool Online, string? Age, long Minute, string KioskId)
    {
        public static IdleLook Of(VisitorPrompt prompt) => new(
            prompt.Kind,
            prompt.Detail,
            prompt.OffersCard,
            prompt.Status.Online,
            prompt.Status.ColorDataAge is { } age ? AgeText.Short(age) : null,
            prompt.Status.At.ToUnixTimeSeconds() / 60,
            prompt.Status.KioskId);

        /// <summary>The same screen (only the strip differs).</summary>
        public bool SameScreen(IdleLook other) => Kind == other.Kind && Detail == other.Detail && OffersCard == other.OffersCard;
    }
}
