using System.Runtime.CompilerServices;
using HealthCode.Formats;
using HealthCode.Formats.Identity;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Identity;
using Kiosk.Service.Tests.Deploy;
using Kiosk.Simulation;

namespace Kiosk.Service.Tests.Checkpoint;

/// <summary>
/// The checkpoint loop at its ports, in virtual time: a camera the test shows codes to, a card reader that polls a card
/// the test lays down (find, then a read that takes <see cref="PollingCardReader.ReadTime"/>), codes and color records
/// the test defines, a thermometer that takes a second. Every run is exact to the tick.
/// </summary>
internal sealed class CardLoopHarness
{
    /// <summary>09:00 in China Standard Time.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 1, 0, 0, TimeSpan.Zero);

    public static readonly byte[] DocKey = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 3)).ToArray();

    public static readonly IdentityCard Holder = Card(ResidentIdCard.Compose("230102", new DateOnly(1980, 1, 1), 123), "王小明", "19800101");

    public static readonly IdentityCard Other = Card(ResidentIdCard.Compose("230103", new DateOnly(1999, 9, 9), 505), "陈晨", "19990909");

    public CardLoopHarness()
    {
        Time = new VirtualTimeProvider(Start);
        Camera = new PushedCodeReader();
        Reader = new PollingCardReader(Time);
        Trust = new TrustList([], docKey: DocKey);
    }

    public VirtualTimeProvider Time { get; }

    public PushedCodeReader Camera { get; }

    public PollingCardReader Reader { get; }

    public TrustList Trust { get; set; }

    public CheckpointOptions Checkpoint { get; } = new();

    public IdentityOptions Identity { get; } = new();

    public List<DecisionRecord> Decisions { get; } = [];

    /// <summary>Every prompt shown, with the virtual second it was shown at and its row of the prompt table.</summary>
    public List<(double At, VisitorPrompt Prompt, PromptEntry Says)> Screens { get; } = [];

    /// <summary>Document records by docRef: (color, ct).</summary>
    public Dictionary<DocRef, (HealthColor Color, long ColorTime)> DocumentRecords { get; } = [];

    /// <summary>Codes by QR text.</summary>
    public Dictionary<string, VerifiedCode> Codes { get; } = [];

    /// <summary>The color data: in sync as of start (null: never synced).</summary>
    public DateTimeOffset? InSyncAsOf { get; set; } = Start;

    /// <summary>Continuations that reached the virtual-time loop from other threads (a run asserts none).</summary>
    public long ForeignPosts { get; private set; }

    /// <summary>The loop's phase during the script.</summary>
    public CheckpointLoop? Loop { get; private set; }

    public double Now => (Time.GetUtcNow() - Start).TotalSeconds;

    public static IdentityCard Card(string number, string name, string birth, string validFrom = "20200101", string validTo = "20400101", char flag = ' ') =>
        new(number, name, birth, validFrom, validTo, flag);

    public static DocRef DocRefOf(IdentityCard card) => DocRef.Compute(DocKey, card.Number);

    /// <summary>A valid green code; with <paramref name="holder"/>'s docRef as <c>d</c> unless null.</summary>
    public string Code(string text, IdentityCard? holder, HealthColor color = HealthColor.Green)
    {
        Codes[text] = new VerifiedCode(CodeVerdict.Valid, "CN-HL", new HealthCodeClaim(new CodeId((ulong)text.Length, 7), color, 1, "王*明", false, holder is null ? null : DocRefOf(holder)));
        return text;
    }

    /// <summary>Records a green document record for <paramref name="card"/>.</summary>
    public void Record(IdentityCard card, HealthColor color = HealthColor.Green) => DocumentRecords[DocRefOf(card)] = (color, 1);

    public void Show(string code) => Camera.Show(new CodeSighting(Time.GetUtcNow(), code));

    /// <summary>The phone goes away: the camera sees nothing from now on.</summary>
    public void Hide() => Camera.Show(new CodeSighting(Time.GetUtcNow(), null));

    public Task At(double seconds)
    {
        var wait = Start.AddSeconds(seconds) - Time.GetUtcNow();
        return wait > TimeSpan.Zero ? Task.Delay(wait, Time) : Task.CompletedTask;
    }

    /// <summary>Runs the loop and <paramref name="script"/> in virtual time; the loop stops when the script ends.</summary>
    public void Run(Func<Task> script, bool withReader = true)
    {
        var loopContext = new VirtualTimeLoop(Time);
        loopContext.Run(async () =>
        {
            var checkpoint = new FixedOptionsMonitor<CheckpointOptions>(Checkpoint);
            var loop = new CheckpointLoop(
                new PresentationPumps(Camera, checkpoint, Time, new ListLogger<PresentationPumps>(), withReader ? Reader : null),
                new DictionaryVerifier(Codes),
                new RecordedColorStore(this),
                new SecondLongThermometer(Time),
                new VisitorOutputs(new RecordingScreen(this), new SilentIndicators(), new FixedStatus()),
                new ListReporter(Decisions),
                checkpoint,
                Time,
                new ListLogger<CheckpointLoop>(),
                new FixedOptionsMonitor<IdentityOptions>(Identity),
                new CurrentTrust(this));
            Loop = loop;
            using var stop = new CancellationTokenSource();
            var ready = new TaskCompletionSource();
            loop.Ready += () => ready.TrySetResult();
            var running = loop.RunAsync(stop.Token);
            await ready.Task;
            await script();
            stop.Cancel();
            await running;
            return 0;
        });
        ForeignPosts = loopContext.ForeignPosts;
        Assert.True(ForeignPosts == 0, $"{ForeignPosts} continuation(s) reached the virtual-time loop from other threads");
    }

    /// <summary>Waits (virtual time, checked every 100 ms) until <paramref name="count"/> decisions were made, at most a minute.</summary>
    public Task DecisionsAsync(int count) =>
        Poll.UntilAsync(() => Decisions.Count >= count, $"{count} decisions", TimeSpan.FromMinutes(1), pause: TimeSpan.FromMilliseconds(100), clock: Time);

    public IReadOnlyList<string> Reasons => Decisions.Select(d => PolicyNames.Of(d.Decision.Reason)).ToList();

    private sealed class DictionaryVerifier(Dictionary<string, VerifiedCode> codes) : ICodeVerifier
    {
        public VerifiedCode Verify(string qrText, DateTimeOffset now) => codes.GetValueOrDefault(qrText) ?? VerifiedCode.NotACode;
    }

    private sealed class RecordedColorStore(CardLoopHarness harness) : IColorStore
    {
        public ColorDataState State => new("CN-HL", 1, harness.InSyncAsOf, harness.InSyncAsOf, 0, false);

        public bool TryLookup(string issuer, CodeId id, out HealthColor color, out long colorTime)
        {
            color = default;
            colorTime = 0;
            return false;
        }

        public bool TryLookupDocument(DocRef docRef, out HealthColor color, out long colorTime)
        {
            var found = harness.DocumentRecords.TryGetValue(docRef, out var record);
            (color, colorTime) = record;
            return found;
        }
    }

    private sealed class SecondLongThermometer(TimeProvider time) : IBodyThermometer
    {
        public async Task<TemperatureResult> MeasureAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            return new TemperatureResult(36.6, null, 22, false);
        }
    }

    private sealed class RecordingScreen(CardLoopHarness harness) : IScreen
    {
        public VisitorPrompt? Current { get; private set; }

        // Recorded with the row the screen draws and the voice says (the production mapping), so the tests read neutral messages.
        public void Show(VisitorPrompt prompt)
        {
            Current = prompt;
            harness.Screens.Add((harness.Now, prompt, PromptTable.For(prompt)));
        }
    }

    private sealed class ListReporter(List<DecisionRecord> decisions) : IDecisionReporter
    {
        public void Report(DecisionRecord record) => decisions.Add(record);
    }

    private sealed class FixedStatus : IKioskStatus
    {
        public StatusLine Line(DateTimeOffset now) => new(now, true, TimeSpan.Zero, "kiosk-01");

        public VisitorPrompt IdlePrompt(DateTimeOffset now) => new(PromptKind.Idle, Line(now), OffersCard: true);
    }

    private sealed class CurrentTrust(CardLoopHarness harness) : ITrustListSource
    {
        public TrustList Current => harness.Trust;
    }
}

/// <summary>
/// A reader that polls like the SAM adapter: every <see cref="PollInterval"/> it looks for a card; a card found is read
/// for <see cref="ReadTime"/> and reported read (or unreadable, or a reader fault); a card taken away mid-read is no card.
/// </summary>
internal sealed class PollingCardReader(TimeProvider time) : ICardReader
{
    private IdentityCard? _card;
    private long _placement;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ReadTime { get; set; } = TimeSpan.FromMilliseconds(900);

    /// <summary>Reads fail (<c>41</c>) until the read timeout: the card is unreadable.</summary>
    public bool Unreadable { get; set; }

    /// <summary>The module answers <c>60</c>: a reader fault, no card.</summary>
    public bool Faulty { get; set; }

    public void Place(IdentityCard card)
    {
        _card = card;
        _placement++;
    }

    public void Remove()
    {
        _card = null;
        _placement++;
    }

    public async IAsyncEnumerable<CardSighting> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (Faulty)
            {
                await Task.Delay(PollInterval, time, cancellationToken);
                yield return new CardSighting(time.GetUtcNow(), CardReadKind.ReaderFault, null, time.GetUtcNow());
                continue;
            }

            var card = _card;
            var placement = _placement;
            if (card is null)
            {
                await Task.Delay(PollInterval, time, cancellationToken);
                yield return new CardSighting(time.GetUtcNow(), CardReadKind.NoCard, null, time.GetUtcNow());
                continue;
            }

            var found = time.GetUtcNow();
            await Task.Delay(Unreadable ? TimeSpan.FromSeconds(5) : ReadTime, time, cancellationToken);
            if (placement != _placement)
            {
                yield return new CardSighting(time.GetUtcNow(), CardReadKind.NoCard, null, time.GetUtcNow());
                continue;
            }

            yield return Unreadable
                ? new CardSighting(time.GetUtcNow(), CardReadKind.Unreadable, null, found)
                : new CardSighting(time.GetUtcNow(), CardReadKind.Read, card, found);
        }
    }
}
