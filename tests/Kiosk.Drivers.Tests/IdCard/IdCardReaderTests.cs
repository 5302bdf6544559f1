using System.Text;
using Kiosk.Drivers.IdCard;
using Kiosk.Service.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Drivers.Tests.IdCard;

/// <summary>The driver against the emulated module (and a scripted line for bytes the module never sends), on a fake clock.</summary>
public sealed class IdCardReaderTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private static readonly IdCardReaderSettings Settings = new();

    private readonly FakeTimeProvider _time = new(Start);
    private readonly SamModuleEmulator _module;
    private readonly IdCardReader _reader;

    public IdCardReaderTests()
    {
        _module = new SamModuleEmulator(_time);
        _reader = new IdCardReader(_module, _time, Settings, _module.DiscardInput, shouldDispose: false);
    }

    private static EmulatedIdCard Card { get; } = new("230102198001011236", "王小明", "19800101", "20200101", "长期");

    private static EmulatedIdCard OtherCard { get; } = new("11010519491231002X", "欧阳娜娜", "19491231", "20150101", "20350101")
    {
        Sex = '2',
        Address = "北京市朝阳区建国路88号院2号楼1单元101室",
        Authority = "北京市公安局朝阳分局",
    };

    [Fact]
    public async Task NoCardIsOneFindExchange()
    {
        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.NoCard, result.Outcome);
        Assert.Null(result.FoundAt);
        Assert.Null(result.Card);
        Assert.False(result.Failed);
        Assert.Equal(1, _module.RequestsOf(SamCommand.FindCard));
        Assert.Equal(0, _module.RequestsOf(SamCommand.SelectCard));
        Assert.Equal(0, _reader.Statistics.TransferErrors);
        Assert.InRange(result.At - Start, TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(40));
    }

    [Fact]
    public async Task ACardIsFoundSelectedAndReadInAboutASecond()
    {
        _module.PlaceCard(Card);
        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.CardRead, result.Outcome);
        var card = Assert.IsType<IdCardText>(result.Card);
        Assert.Equal(("230102198001011236", "王小明", "19800101", "20200101", "长期", ' '), (card.Number, card.Name, card.Birth, card.ValidFrom, card.ValidTo, card.LayoutFlag));
        Assert.InRange(result.FoundAt!.Value - Start, TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(40));
        Assert.InRange(result.At - Start, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1.1));
        Assert.Equal([1L, 1L, 1L], new[] { SamCommand.FindCard, SamCommand.SelectCard, SamCommand.ReadTextAndPhoto }.Select(_module.RequestsOf));
        Assert.Equal(new IdCardReaderStatistics(3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0), _reader.Statistics);
    }

    [Fact]
    public async Task TheAddressAndPhotoTheModuleSendsAreNotKept()
    {
        // The module sends the address and the photo …
        var sent = Convert.ToHexString(OtherCard.EncodeReadReplyData());
        Assert.Contains(Convert.ToHexString(Encoding.Unicode.GetBytes(OtherCard.Address)), sent, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexString(OtherCard.Photo), sent, StringComparison.Ordinal);
        Assert.NotEqual(new byte[1024], OtherCard.Photo);

        _module.PlaceCard(OtherCard);
        var result = await PollAsync();

        // … and the driver keeps neither, not even in its receive buffer.
        Assert.Equal(IdCardPollOutcome.CardRead, result.Outcome);
        Assert.Equal(("11010519491231002X", "欧阳娜娜"), (result.Card!.Number, result.Card.Name));
        var kept = string.Join("|", typeof(IdCardText).GetProperties().Select(p => p.GetValue(result.Card)));
        Assert.DoesNotContain("北京市", kept, StringComparison.Ordinal);
        Assert.True(_reader.ReceiveBuffer.IndexOfAnyExcept((byte)0) < 0, "the receive buffer still holds bytes of the card");
        Assert.Equal("IdCardText(redacted)", result.Card.ToString());
        Assert.DoesNotContain("欧阳", result.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("1101", result.ToString(), StringComparison.Ordinal);
        Assert.Equal("EmulatedIdCard(redacted)", OtherCard.ToString());
    }

    [Fact]
    public async Task AHeldCardKeepsItsFoundAtAndASwappedCardGetsItsOwn()
    {
        _module.PlaceCard(Card);
        var first = await PollAsync();
        var held = await PollAsync();
        Assert.Equal(IdCardPollOutcome.CardRead, held.Outcome);
        Assert.Equal(first.FoundAt, held.FoundAt);
        Assert.True(held.At > first.At);

        _module.PlaceCard(OtherCard);
        var swapped = await PollAsync();
        Assert.Equal("11010519491231002X", swapped.Card!.Number);
        Assert.True(swapped.FoundAt > held.At, "a card put down in place of another is found when this poll found it");

        _module.RemoveCard();
        var gone = await PollAsync();
        Assert.Equal(IdCardPollOutcome.NoCard, gone.Outcome);

        _module.PlaceCard(OtherCard);
        var back = await PollAsync();
        Assert.True(back.FoundAt > gone.At, "a card put back after it was away is found anew");
    }

    [Fact]
    public async Task AChecksumErrorOnTheReadIsRetriedAndCounted()
    {
        _module.PlaceCard(Card);
        _module.InjectOnce(SamModuleFault.CorruptChecksum, SamCommand.ReadTextAndPhoto);
        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.CardRead, result.Outcome);
        Assert.Equal("王小明", result.Card!.Name);
        Assert.Equal(1, _reader.Statistics.BadChecksums);
        Assert.Equal(1, _reader.Statistics.Retries);
        Assert.Equal(2, _module.RequestsOf(SamCommand.ReadTextAndPhoto));
        Assert.InRange(result.At - result.FoundAt!.Value, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.3));
    }

    [Fact]
    public async Task AChecksumErrorWithNoCardIsAFailedLookNotACard()
    {
        _module.Fault = SamModuleFault.CorruptChecksum;
        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.TransferError, result.Outcome);
        Assert.Equal(SamTransferError.BadChecksum, result.TransferError);
        Assert.True(result.Failed);
        Assert.Null(result.FoundAt);
        Assert.Equal(1, _reader.Statistics.TransferErrors);

        _module.Fault = SamModuleFault.None;
        Assert.Equal(IdCardPollOutcome.NoCard, (await PollAsync()).Outcome);
    }

    [Fact]
    public async Task ATruncatedReadWaitsTheResponseTimeoutAndIsRetried()
    {
        _module.PlaceCard(Card);
        _module.InjectOnce(SamModuleFault.TruncatedFrame, SamCommand.ReadTextAndPhoto);
        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.CardRead, result.Outcome);
        Assert.Equal(1, _reader.Statistics.TruncatedFrames);
        Assert.Equal(1, _reader.Statistics.Retries);
        Assert.InRange(result.At - result.FoundAt!.Value, Settings.ResponseTimeout + TimeSpan.FromSeconds(1), Settings.ResponseTimeout + TimeSpan.FromSeconds(1.3));
    }

    [Fact]
    public async Task ACardWhoseReadsAreAlwaysCutShortIsUnreadableAfterTheReadTimeout()
    {
        _module.PlaceCard(Card);
        for (var i = 0; i < 10; i++)
        {
            _module.InjectOnce(SamModuleFault.TruncatedFrame, SamCommand.ReadTextAndPhoto);
        }

        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.CardUnreadable, result.Outcome);
        Assert.Null(result.Card);
        Assert.Equal(SamTransferError.Truncated, result.TransferError);
        Assert.InRange(result.At - result.FoundAt!.Value, Settings.ReadTimeout, Settings.ReadTimeout + Settings.ResponseTimeout + TimeSpan.FromSeconds(0.2));
        Assert.Equal(_reader.Statistics.TruncatedFrames, _reader.Statistics.Retries + 1);
        Assert.Equal(1, _reader.Statistics.CardsUnreadable);
    }

    [Fact]
    public async Task SilenceIsAModuleFaultAfterTheResponseTimeout()
    {
        _module.Fault = SamModuleFault.Silence;
        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.ModuleFault, result.Outcome);
        Assert.Equal(SamTransferError.NoResponse, result.TransferError);
        Assert.Equal(Start + Settings.ResponseTimeout, result.At);
        Assert.Contains("no response", result.Detail, StringComparison.Ordinal);
        Assert.Equal((1L, 1L), (_reader.Statistics.NoResponses, _reader.Statistics.ModuleFaults));

        _module.Fault = SamModuleFault.None;
        _module.PlaceCard(Card);
        Assert.Equal(IdCardPollOutcome.CardRead, (await PollAsync()).Outcome);
    }

    [Fact]
    public async Task SilenceWhileACardIsReadIsAModuleFaultNotAnUnreadableCard()
    {
        _module.PlaceCard(Card);
        _module.InjectOnce(SamModuleFault.Silence, SamCommand.ReadTextAndPhoto);
        var fault = await PollAsync();
        Assert.Equal(IdCardPollOutcome.ModuleFault, fault.Outcome);
        Assert.Null(fault.FoundAt);
        Assert.Null(fault.Card);

        var read = await PollAsync();
        Assert.Equal(IdCardPollOutcome.CardRead, read.Outcome);
        Assert.True(read.FoundAt > fault.At, "after a module fault the card is found anew");
    }

    [Fact]
    public async Task ACardRemovedMidReadIsNoCard()
    {
        _module.PlaceCard(Card);
        _module.InjectOnce(SamModuleFault.CardRemovedMidRead);
        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.NoCard, result.Outcome);
        Assert.Null(_module.Card);
        Assert.Equal(1, _reader.Statistics.Retries);
        Assert.Equal((2L, 1L, 1L), (_module.RequestsOf(SamCommand.FindCard), _module.RequestsOf(SamCommand.SelectCard), _module.RequestsOf(SamCommand.ReadTextAndPhoto)));
    }

    [Fact]
    public async Task ACardTakenAwayWhileTheModuleReadsItFailsThatRead()
    {
        _module.PlaceCard(Card);
        var result = await PollAsync(elapsed =>
        {
            if (elapsed == TimeSpan.FromMilliseconds(500))
            {
                _module.RemoveCard();
            }
        });

        Assert.Equal(IdCardPollOutcome.NoCard, result.Outcome);
        Assert.Equal(1, _module.RequestsOf(SamCommand.ReadTextAndPhoto));
        Assert.Equal(1, _reader.Statistics.Retries);
    }

    [Theory]
    [InlineData(SamModuleFault.SelfTestFailed, SamStatus.SelfTestFailed, false)]
    [InlineData(SamModuleFault.SelfTestFailed, SamStatus.SelfTestFailed, true)]
    [InlineData(SamModuleFault.NotAuthorised, SamStatus.NotAuthorised, false)]
    [InlineData(SamModuleFault.NotAuthorised, SamStatus.NotAuthorised, true)]
    public async Task AModuleFaultIsAFaultNotACard(SamModuleFault fault, SamStatus status, bool cardOnReader)
    {
        if (cardOnReader)
        {
            _module.PlaceCard(Card);
        }

        _module.Fault = fault;
        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.ModuleFault, result.Outcome);
        Assert.Equal(status, result.Status);
        Assert.Null(result.Card);
        Assert.Null(result.FoundAt);
        Assert.Equal(1, _reader.Statistics.ModuleFaults);
        Assert.Equal(0, _reader.Statistics.TransferErrors);
    }

    [Fact]
    public async Task AModuleFaultInTheMiddleOfAReadEndsThePoll()
    {
        _module.PlaceCard(Card);
        _module.InjectOnce(SamModuleFault.SelfTestFailed, SamCommand.SelectCard);
        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.ModuleFault, result.Outcome);
        Assert.Equal(SamStatus.SelfTestFailed, result.Status);
        Assert.Equal(0, _module.RequestsOf(SamCommand.ReadTextAndPhoto));
    }

    [Fact]
    public async Task AnUnreadableCardIsReportedAfterTheReadTimeoutAndReadOnceItReads()
    {
        _module.PlaceCard(Card);
        _module.Fault = SamModuleFault.UnreadableCard;
        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.CardUnreadable, result.Outcome);
        Assert.Equal(SamStatus.ReadFailed, result.Status);
        Assert.Null(result.Card);
        Assert.InRange(result.FoundAt!.Value - Start, TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(40));
        Assert.InRange(result.At - result.FoundAt.Value, Settings.ReadTimeout, Settings.ReadTimeout + TimeSpan.FromSeconds(1.2));
        Assert.Equal(_module.RequestsOf(SamCommand.ReadTextAndPhoto), _reader.Statistics.Retries + 1);
        Assert.True(_reader.Statistics.Retries >= 3);
        Assert.Contains("41", result.Detail, StringComparison.Ordinal);

        // Still on the reader, still unreadable: the next poll tries again for a whole read timeout; same card, same FoundAt.
        var again = await PollAsync();
        Assert.Equal(IdCardPollOutcome.CardUnreadable, again.Outcome);
        Assert.Equal(result.FoundAt, again.FoundAt);
        Assert.True(again.At - result.At >= Settings.ReadTimeout);

        _module.Fault = SamModuleFault.None;
        var read = await PollAsync();
        Assert.Equal(IdCardPollOutcome.CardRead, read.Outcome);
        Assert.Equal(result.FoundAt, read.FoundAt);
        Assert.Equal(2, _reader.Statistics.CardsUnreadable);
    }

    [Fact]
    public async Task ACardUnreadableOnceIsReadOnTheRetry()
    {
        _module.PlaceCard(Card);
        _module.InjectOnce(SamModuleFault.UnreadableCard);
        var result = await PollAsync();

        Assert.Equal(IdCardPollOutcome.CardRead, result.Outcome);
        Assert.Equal(1, _reader.Statistics.Retries);
        Assert.Equal(1, _module.InjectedFaults);
    }

    [Fact]
    public async Task TheModuleIdIsRead()
    {
        var read = Task.Run(async () =>
        {
            var task = _reader.ReadModuleIdAsync(CancellationToken.None);
            await Poll.UntilAsync(() => task.IsCompleted, "the module id", TimeSpan.FromSeconds(60), changed: AdvanceOneMillisecondAsync, clock: _time);
            return await task;
        });

        var (id, status, error) = await read;
        Assert.Equal(_module.ModuleId, id);
        Assert.Equal((SamStatus.Success, SamTransferError.None), (status!.Value, error));
    }

    public static TheoryData<string> CorruptFrames => IdCardFrames.Names("corrupt");

    [Theory]
    [MemberData(nameof(CorruptFrames))]
    public async Task EveryCorruptVectorOnTheLineIsATransferErrorAndTheRetryReadsTheCard(string name)
    {
        var found = SamFrameCodec.EncodeResponse(SamStatus.CardFound, new byte[4]);
        var selected = SamFrameCodec.EncodeResponse(SamStatus.Success, new byte[8]);
        var line = new ScriptedLine(found, selected, IdCardFrames.Get(name).Bytes, found, selected, IdCardFrames.ReadReply.Bytes);
        using var reader = new IdCardReader(line, _time, Settings, line.Discard);

        var result = await PollAsync(reader: reader);

        Assert.Equal(IdCardPollOutcome.CardRead, result.Outcome);
        Assert.Equal("230102198001011236", result.Card!.Number);
        Assert.Equal(1, reader.Statistics.TransferErrors);
        Assert.Equal(1, reader.Statistics.Retries);
        Assert.Equal(2, line.Discards);
    }

    [Theory]
    [MemberData(nameof(CorruptFrames))]
    public async Task ACorruptReplyToAFindIsAFailedLook(string name)
    {
        var line = new ScriptedLine(IdCardFrames.Get(name).Bytes);
        using var reader = new IdCardReader(line, _time, Settings, line.Discard);

        var result = await PollAsync(reader: reader);

        Assert.Equal(IdCardPollOutcome.TransferError, result.Outcome);
        Assert.NotEqual(SamTransferError.None, result.TransferError);
        Assert.Null(result.Card);
    }

    [Fact]
    public async Task JunkBeforeAReplyIsSkippedToThePreamble()
    {
        var line = new ScriptedLine([0x00, 0x13, 0xAA, 0xAA, 0x96, .. SamFrameCodec.EncodeResponse(SamStatus.NoCard)]);
        using var reader = new IdCardReader(line, _time, Settings, line.Discard);

        var result = await PollAsync(reader: reader);

        Assert.Equal(IdCardPollOutcome.NoCard, result.Outcome);
        Assert.Equal(5, reader.Statistics.DiscardedBytes);
        Assert.Equal(0, reader.Statistics.TransferErrors);
    }

    [Fact]
    public async Task AnAbsurdLengthIsRefusedAtOnce()
    {
        var line = new ScriptedLine([0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF, 0x00]);
        using var reader = new IdCardReader(line, _time, Settings, line.Discard);

        var result = await PollAsync(reader: reader);

        Assert.Equal(IdCardPollOutcome.TransferError, result.Outcome);
        Assert.Equal(SamTransferError.BadLength, result.TransferError);
        Assert.Equal(Start, result.At);
        Assert.Equal(1, reader.Statistics.BadLengths);
    }

    [Fact]
    public async Task AReplyThatComesTooLateDoesNotAnswerTheNextRequest()
    {
        var line = new ScriptedLine(null, SamFrameCodec.EncodeResponse(SamStatus.NoCard));
        using var reader = new IdCardReader(line, _time, Settings, line.Discard);

        var silent = await PollAsync(reader: reader);
        Assert.Equal(IdCardPollOutcome.ModuleFault, silent.Outcome);

        line.Send(SamFrameCodec.EncodeResponse(SamStatus.CardFound, new byte[4]));
        var next = await PollAsync(reader: reader);
        Assert.Equal(IdCardPollOutcome.NoCard, next.Outcome);
        Assert.Equal(2, line.Discards);
    }

    [Fact]
    public async Task AVanishedPortIsAPortErrorNotAnException()
    {
        var line = new ScriptedLine { Broken = new IOException("No such device") };
        using var reader = new IdCardReader(line, _time, Settings, line.Discard);

        var result = await PollAsync(reader: reader);

        Assert.Equal(IdCardPollOutcome.PortError, result.Outcome);
        Assert.Contains("No such device", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellationEndsAPollWaitingForTheModule()
    {
        _module.Fault = SamModuleFault.Silence;
        using var cancellation = new CancellationTokenSource();
        Task<IdCardPollResult>? poll = null;
        await Task.Run(() =>
        {
            poll = _reader.PollAsync(cancellation.Token);
            _time.Advance(TimeSpan.FromMilliseconds(500));
            cancellation.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll!);
        Assert.Equal(0, _reader.Statistics.TransferErrors);
    }

    [Fact]
    public void OpeningAMissingSerialDeviceThrowsNamingIt()
    {
        var ex = Record.Exception(() => IdCardReader.OpenSerial("/dev/ttyNOSUCHREADER"));
        Assert.True(ex is IOException or UnauthorizedAccessException, ex?.GetType().Name);
        Assert.Contains("ttyNOSUCHREADER", ex!.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _reader.Dispose();
        _module.Dispose();
    }

    /// <summary>
    /// One poll, the fake clock advanced 1 ms at a time while it runs. On the thread pool, outside xunit's
    /// synchronization context, so every continuation runs inline inside <see cref="FakeTimeProvider.Advance"/>.
    /// </summary>
    private Task<IdCardPollResult> PollAsync(Action<TimeSpan>? onTick = null, IdCardReader? reader = null) => Task.Run(async () =>
    {
        var start = _time.GetUtcNow();
        var poll = (reader ?? _reader).PollAsync(CancellationToken.None);
        await Poll.UntilAsync(
            () => poll.IsCompleted,
            "the poll to end",
            TimeSpan.FromSeconds(60),
            changed: async _ =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(1));
                onTick?.Invoke(_time.GetUtcNow() - start);
                await Task.Yield();
            },
            clock: _time);
        return await poll;
    });

    /// <summary>One step of a hand-driven fake clock: 1 ms, then the continuations it released run.</summary>
    private async Task AdvanceOneMillisecondAsync(TimeSpan _)
    {
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Task.Yield();
    }
}
