using HealthCode.Formats;
using Kiosk.Core.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Core.Checkpoint;

/// <summary>
/// The checkpoint as a small state machine. Its <see cref="PresentationPumps"/> turn camera sightings (once per code in
/// view) and card-reader sightings (once per card on the reader) into presentations; the loop decides one presentation
/// at a time with the pure <see cref="CheckpointPolicy"/> (codes first, identity.md "Which comes first"), shows and
/// acts on the result through its <see cref="VisitorOutputs"/>, reports it, and holds the result screen.
/// </summary>
public sealed partial class CheckpointLoop
{
    private readonly PresentationPumps _pumps;
    private readonly ICodeVerifier _verifier;
    private readonly IColorStore _colors;
    private readonly IBodyThermometer _thermometer;
    private readonly VisitorOutputs _outputs;
    private readonly IDecisionReporter _reporter;
    private readonly IOptionsMonitor<CheckpointOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CheckpointLoop> _logger;
    private readonly IOptionsMonitor<IdentityOptions>? _identity;
    private readonly ITrustListSource? _trust;
    private long _stageTimestamp;
    private long _stageAllowanceTicks;
    private CheckpointPhase _phase = CheckpointPhase.Idle;

    /// <param name="pumps">Camera and card reader → presentations.</param>
    /// <param name="verifier">QR text → verdict.</param>
    /// <param name="colors">Cached color data: code records and document records.</param>
    /// <param name="thermometer">Rules 8-10.</param>
    /// <param name="outputs">The visitor's screen, the gate, lamps and buzzer.</param>
    /// <param name="reporter">Events and counters.</param>
    /// <param name="options">Section <c>Checkpoint</c>.</param>
    /// <param name="time">The kiosk's clock.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="identity">Section <c>Identity</c>; null = mode <c>none</c>.</param>
    /// <param name="trust">The trust list in force, for its docKey; null = no docKey.</param>
    public CheckpointLoop(
        PresentationPumps pumps,
        ICodeVerifier verifier,
        IColorStore colors,
        IBodyThermometer thermometer,
        VisitorOutputs outputs,
        IDecisionReporter reporter,
        IOptionsMonitor<CheckpointOptions> options,
        TimeProvider time,
        ILogger<CheckpointLoop> logger,
        IOptionsMonitor<IdentityOptions>? identity = null,
        ITrustListSource? trust = null)
    {
        _pumps = pumps;
        _verifier = verifier;
        _colors = colors;
        _thermometer = thermometer;
        _outputs = outputs;
        _reporter = reporter;
        _options = options;
        _time = time;
        _logger = logger;
        _identity = identity;
        _trust = trust;
        _stageTimestamp = time.GetTimestamp();
    }

    /// <summary>Raised after each decision has been shown, acted on and reported.</summary>
    public event Action<DecisionRecord>? Decided;

    /// <summary>Raised when the kiosk is ready for the next visitor (back to idle, or in a REFER hold that a new code or card ends).</summary>
    public event Action? Ready;

    public CheckpointPhase Phase
    {
        get => _phase;
        private set
        {
            _phase = value;
            Interlocked.Exchange(ref _stageAllowanceTicks, 0);
            Interlocked.Exchange(ref _stageTimestamp, _time.GetTimestamp());
        }
    }

    /// <summary>How long the current stage has lasted: a busy stage that lasts too long means the loop is stuck (watchdog).</summary>
    public TimeSpan StageAge => _time.GetElapsedTime(Interlocked.Read(ref _stageTimestamp));

    /// <summary>How long the current stage may last by design beyond the watchdog's limit (the card wait: <c>Identity:CardTimeout</c>).</summary>
    public TimeSpan StageAllowance => TimeSpan.FromTicks(Interlocked.Read(ref _stageAllowanceTicks));

    /// <summary>How long since the camera pump last delivered a sighting.</summary>
    public TimeSpan FrameAge => _pumps.FrameAge;

    /// <summary>The kiosk has an ID card reader: the idle screen offers it, a card alone takes the card path.</summary>
    public bool HasCardReader => _pumps.HasCardReader;

    private IdentityMode Mode => _identity?.CurrentValue.Mode ?? IdentityMode.None;

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var (queue, pumps) = _pumps.Start(Presenting, stop.Token);
        try
        {
            ShowIdle();
            LogReady(_logger);
            Ready?.Invoke();
            while (true)
            {
                while (queue.TryTake(out var presentation))
                {
                    var record = presentation.Code is { } code
                        ? await DecideAsync(code, queue, stop.Token)
                        : await DecideCardAsync(presentation.Card!.Value, stop.Token);
                    await HoldAsync(record, queue, stop.Token);
                }

                if (!await WaitWhileIdleAsync(queue, stop.Token))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            // Cancel, not CancelAsync: the callbacks run here, on the checkpoint thread, not through the thread pool.
            stop.Cancel();
            foreach (var running in pumps)
            {
                try
                {
                    await running;
                }
                catch (OperationCanceledException)
                {
                    // The pumps end with the loop.
                }
            }
        }
    }

    /// <summary>A pump is about to queue a presentation: an idle kiosk has now seen a code or a card.</summary>
    private void Presenting(Presentation presentation)
    {
        if (Phase == CheckpointPhase.Idle)
        {
            Phase = presentation.Code is not null ? CheckpointPhase.CodeSeen : CheckpointPhase.CardSeen;
        }
    }

    /// <summary>
    /// Decides one code: verify, look up, (document mode) confirm the holder by card, measure when the rules allow,
    /// show, act, report. Cards read meanwhile belong to this decision.
    /// </summary>
    private async Task<DecisionRecord> DecideAsync(CodePresentation presentation, PresentationQueue queue, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var settings = options.ToPolicySettings();
        Phase = CheckpointPhase.CodeSeen;

        var now = _time.GetUtcNow();
        var code = _verifier.Verify(presentation.Text, now);
        Phase = CheckpointPhase.Verified;

        var colorState = _colors.State;
        (HealthColor, long)? cached = null;
        if (code is { Verdict: CodeVerdict.Valid, Issuer: { } issuer, Claims: { } claims }
            && _colors.TryLookup(issuer, claims.Id, out var color, out var colorTime))
        {
            cached = (color, colorTime);
        }

        Phase = CheckpointPhase.ColorLookedUp;
        var decision = CheckpointPolicy.DecideBeforeTemperature(code, ClockFault(now, colorState, options), colorState.FreshnessAt(now), cached, settings);
        if (decision is null && Mode == IdentityMode.Document)
        {
            decision = await ConfirmHolderAsync(code.Claims!, queue, cancellationToken);
        }

        TemperatureResult? temperature = null;
        if (decision is null)
        {
            temperature = await MeasureAsync(code.Claims?.MaskedName, code.Claims?.Proxy ?? false, cancellationToken);
            decision = CheckpointPolicy.DecideWithTemperature(temperature, settings);
        }

        var record = Conclude(new DecisionRecord(decision.Value, code, temperature, presentation.SeenAt, _time.GetUtcNow()));

        // A card read while this code was decided belongs to it, and starts no card path while it stays on the reader.
        queue.TakeCards();
        return record;
    }

    /// <summary>Rule 3 / C2: the kiosk's clock is behind the latest signed time it has seen (<see cref="FeedClock"/>).</summary>
    private static bool ClockFault(DateTimeOffset now, ColorDataState colorState, CheckpointOptions options) =>
        FeedClock.IsBehind(now, colorState.LatestSignedAt, options.ClockSkew);

    /// <summary>Rules 8-10 (and C7): the measuring screen, then the thermometer.</summary>
    private Task<TemperatureResult> MeasureAsync(string? maskedName, bool proxy, CancellationToken cancellationToken)
    {
        Phase = CheckpointPhase.Measuring;
        _outputs.ShowMeasuring(_time.GetUtcNow(), maskedName, proxy);
        return _thermometer.MeasureAsync(cancellationToken);
    }

    /// <summary>Shows, acts on, reports and logs a decision.</summary>
    private DecisionRecord Conclude(DecisionRecord record)
    {
        Phase = CheckpointPhase.Decided;
        _outputs.ShowDecision(record);
        Phase = CheckpointPhase.Showing;
        _reporter.Report(record);
        LogDecision(_logger, PolicyNames.Of(record.Decision.Outcome), PolicyNames.Of(record.Decision.Reason), PolicyNames.Of(record.Via), record.Latency.TotalMilliseconds);
        Decided?.Invoke(record);
        return record;
    }

    private async Task HoldAsync(DecisionRecord record, PresentationQueue next, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (record.Decision.Outcome == Outcome.Pass)
        {
            await Task.Delay(options.PassHold, _time, cancellationToken);
        }
        else
        {
            // REFER holds until its time is up or the next code or card arrives.
            Ready?.Invoke();
            if (next.HasWaiting || await next.WaitForMoreAsync(options.ReferHold, cancellationToken))
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        ShowIdle();
        Ready?.Invoke();
    }

    /// <summary>
    /// Waits for the next presentation (true) or the end of the pumps (false); meanwhile, every
    /// <see cref="VisitorOutputs.IdleRefresh"/>, the idle screen follows the kiosk's state (the fleet link, the color
    /// data and its age, alerts, the clock's minute), so it never shows a state the kiosk has left.
    /// </summary>
    private async Task<bool> WaitWhileIdleAsync(PresentationQueue queue, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (queue.HasWaiting)
            {
                return true;
            }

            if (queue.Completed)
            {
                return false;
            }

            if (await queue.WaitForMoreAsync(VisitorOutputs.IdleRefresh, cancellationToken))
            {
                return true;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (Phase == CheckpointPhase.Idle)
            {
                _outputs.RefreshIdle(_time.GetUtcNow());
            }
        }
    }

    private void ShowIdle()
    {
        Phase = CheckpointPhase.Idle;
        _outputs.ShowIdle(_time.GetUtcNow());
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Ready to scan")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Decision: {Outcome} ({Reason}, via {Via}) in {LatencyMs:0.0} ms")]
    private static partial void LogDecision(ILogger logger, string outcome, string reason, string via, double latencyMs);
}
