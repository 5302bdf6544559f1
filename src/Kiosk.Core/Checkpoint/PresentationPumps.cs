using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Core.Checkpoint;

/// <summary>
/// Turns what the camera and the ID card reader see into presentations for the checkpoint: the code pump presents a
/// code once per code in view, the card pump a card once per card on the reader (each with its own
/// <see cref="DuplicateSuppressor"/>), both into one <see cref="PresentationQueue"/> that the
/// <see cref="CheckpointLoop"/> reads. Also keeps what the loop asks of the readers meanwhile: when the camera last
/// delivered a sighting, and which card lies on the reader.
/// </summary>
public sealed partial class PresentationPumps
{
    /// <summary>The key of an unreadable card in the card pump's duplicate suppressor (a number key is 18 characters).</summary>
    private const string UnreadableKey = "unreadable";

    private readonly ICodeReader _codeReader;
    private readonly ICardReader? _cardReader;
    private readonly IOptionsMonitor<CheckpointOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PresentationPumps> _logger;
    private readonly Lock _cardGate = new();
    private readonly Lock _aimingGate = new();
    private AimingWatch _aiming = new(TimeSpan.Zero, TimeSpan.Zero);
    private CardSighting? _onReader;
    private long _frameTimestamp;

    /// <param name="codeReader">Camera → QR text.</param>
    /// <param name="options">Section <c>Checkpoint</c> (<c>GoneAfter</c>, read when the pumps start).</param>
    /// <param name="time">The kiosk's clock.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="cardReader">The ID card reader; null when the kiosk has none (no card pump).</param>
    public PresentationPumps(
        ICodeReader codeReader,
        IOptionsMonitor<CheckpointOptions> options,
        TimeProvider time,
        ILogger<PresentationPumps> logger,
        ICardReader? cardReader = null)
    {
        _codeReader = codeReader;
        _options = options;
        _time = time;
        _logger = logger;
        _cardReader = cardReader;
        _frameTimestamp = time.GetTimestamp();
    }

    /// <summary>How long since the code pump last delivered a sighting.</summary>
    public TimeSpan FrameAge => _time.GetElapsedTime(Interlocked.Read(ref _frameTimestamp));

    /// <summary>The aiming help is due at <paramref name="now"/> (<see cref="AimingWatch"/>): a code the camera cannot read has been in view for <c>Checkpoint:AimingHelpAfter</c>.</summary>
    internal bool AimingHelpDue(DateTimeOffset now)
    {
        lock (_aimingGate)
        {
            return _aiming.IsDue(now);
        }
    }

    /// <summary>How long from <paramref name="now"/> until <see cref="AimingHelpDue"/> may change by itself; null when no unreadable code is in view.</summary>
    internal TimeSpan? AimingHelpChangesIn(DateTimeOffset now)
    {
        lock (_aimingGate)
        {
            return _aiming.ChangesIn(now);
        }
    }

    /// <summary>The kiosk has an ID card reader: there is a card pump.</summary>
    public bool HasCardReader => _cardReader is not null;

    /// <summary>The latest look that found a card (read or unreadable) while it stays on the reader; null when none is known to be there.</summary>
    internal CardSighting? OnReader
    {
        get
        {
            lock (_cardGate)
            {
                return _onReader;
            }
        }

        private set
        {
            lock (_cardGate)
            {
                _onReader = value;
            }
        }
    }

    /// <summary>
    /// Starts the code pump and (with a reader) the card pump until <paramref name="cancellationToken"/> is cancelled.
    /// <paramref name="presenting"/> is called on the pump's thread just before each presentation is queued.
    /// </summary>
    /// <returns>The queue the pumps write to, and the pumps' tasks (a cancelled pump ends with <see cref="OperationCanceledException"/>).</returns>
    internal (PresentationQueue Queue, Task[] Running) Start(Action<Presentation> presenting, CancellationToken cancellationToken)
    {
        var presentations = Channel.CreateBounded<Presentation>(new BoundedChannelOptions(8)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = false,
            SingleWriter = false,
        });
        var queue = new PresentationQueue(presentations.Reader, _time);
        var goneAfter = _options.CurrentValue.GoneAfter;
        lock (_aimingGate)
        {
            _aiming = new AimingWatch(_options.CurrentValue.AimingHelpAfter, goneAfter);
        }

        var codePump = CodePumpAsync(new DuplicateSuppressor(goneAfter), presentations.Writer, presenting, cancellationToken);
        var cardPump = _cardReader is { } cardReader
            ? CardPumpAsync(cardReader, new DuplicateSuppressor(goneAfter), presentations.Writer, presenting, cancellationToken)
            : Task.CompletedTask;
        return (queue, [codePump, cardPump]);
    }

    /// <summary>Turns camera sightings into code presentations, once per code in view. Ends the queue when the camera ends.</summary>
    private async Task CodePumpAsync(DuplicateSuppressor suppressor, ChannelWriter<Presentation> writer, Action<Presentation> presenting, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var sighting in _codeReader.ReadAsync(cancellationToken))
            {
                Interlocked.Exchange(ref _frameTimestamp, _time.GetTimestamp());
                lock (_aimingGate)
                {
                    _aiming.Observe(sighting);
                }

                if (suppressor.Observe(sighting) is { } code)
                {
                    var presentation = Presentation.Of(code);
                    presenting(presentation);
                    writer.TryWrite(presentation);
                }
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>
    /// Turns reader sightings into card presentations, once per card on the reader (by number; an unreadable look while a
    /// card is on the reader is that card, so a card that reads only now and then is not decided twice). A reader fault
    /// is no card and no decision (the adapter raises <c>card_reader_fault</c>): what lies on the reader is then unknown.
    /// </summary>
    private async Task CardPumpAsync(ICardReader reader, DuplicateSuppressor suppressor, ChannelWriter<Presentation> writer, Action<Presentation> presenting, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var sighting in reader.ReadAsync(cancellationToken))
            {
                switch (sighting.Kind)
                {
                    case CardReadKind.NoCard:
                        OnReader = null;
                        suppressor.Observe(sighting.At, null);
                        break;
                    case CardReadKind.ReaderFault:
                        OnReader = null;
                        break;
                    case CardReadKind.Read when sighting.Card is not null:
                    case CardReadKind.Unreadable:
                        OnReader = sighting;
                        var key = sighting.Card is { } card ? NumberKey(card) : suppressor.InView ?? UnreadableKey;
                        if (suppressor.Observe(sighting.At, key))
                        {
                            var presentation = Presentation.Of(new CardPresentation(sighting));
                            presenting(presentation);
                            writer.TryWrite(presentation);
                        }

                        break;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The reader's own faults are its adapter's to report; whatever else ends the pump must not end the checkpoint.
            OnReader = null;
            LogCardPumpFailed(_logger, ex.GetType().Name);
        }
    }

    /// <summary>The same card is the same number (a lower-case check character read as upper case).</summary>
    private static string NumberKey(IdentityCard card) => card.Number.Trim().ToUpperInvariant();

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Card reader pump stopped ({Error}); codes are still decided")]
    private static partial void LogCardPumpFailed(ILogger logger, string error);
}
