using Kiosk.Drivers.IdCard;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Drivers.Tests.IdCard;

/// <summary>The emulated module at byte level: what it answers, and when.</summary>
public sealed class SamModuleEmulatorTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly SamModuleEmulator _module;

    public SamModuleEmulatorTests()
    {
        _module = new SamModuleEmulator(_time);
    }

    [Fact]
    public async Task AnswersTheVectorsRepliesByteForByte()
    {
        Assert.Equal(IdCardFrames.Get("reply no card (80)").Bytes, (await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.FindCard))).Frame);

        _module.PlaceCard(new EmulatedIdCard("230102198001011236", "王小明", "19800101", "20200101", "长期") { Photo = new byte[1024] });
        Assert.Equal(IdCardFrames.Get("reply card found (9F) with four data bytes").Bytes, (await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.FindCard))).Frame);
        Assert.Equal(IdCardFrames.Get("reply select ok (90) with eight data bytes").Bytes, (await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.SelectCard))).Frame);
        Assert.Equal(IdCardFrames.ReadReply.Bytes, (await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.ReadTextAndPhoto))).Frame);

        _module.InjectOnce(SamModuleFault.UnreadableCard);
        Assert.Equal(IdCardFrames.Get("reply read failed (41) with the card's own SW1 SW2").Bytes, (await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.ReadTextAndPhoto))).Frame);

        _module.Fault = SamModuleFault.SelfTestFailed;
        Assert.Equal(IdCardFrames.Get("reply module self-test failed (60)").Bytes, (await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.FindCard))).Frame);
    }

    [Fact]
    public async Task TakesTensOfMillisecondsToFindAndAboutASecondToRead()
    {
        _module.PlaceCard(new EmulatedIdCard("230102198001011236", "王小明", "19800101", "20200101", "长期"));
        var find = await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.FindCard));
        var read = await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.ReadTextAndPhoto));

        Assert.InRange(find.Took, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50));
        Assert.InRange(read.Took, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1.1));
        Assert.True(read.Reads > 5, "a long reply arrives in several pieces, as on a serial line");
    }

    [Fact]
    public async Task AnswersABadRequestChecksumLengthOrCommandWithItsStatus()
    {
        var badChecksum = SamFrameCodec.EncodeRequest(SamCommand.FindCard);
        badChecksum[^1] ^= 0xFF;
        Assert.Equal(SamStatus.RequestChecksumError, Status((await ExchangeAsync(badChecksum)).Frame));

        Assert.Equal(SamStatus.RequestLengthError, Status((await ExchangeAsync([0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x02, 0x20, 0x22])).Frame));
        Assert.Equal(SamStatus.UnknownCommand, Status((await ExchangeAsync(SamFrameCodec.EncodeRequest((SamCommand)0x2003))).Frame));
        Assert.Equal(SamStatus.NoCard, Status((await ExchangeAsync([0x13, 0x37, 0xAA, .. SamFrameCodec.EncodeRequest(SamCommand.FindCard)])).Frame));
        Assert.Equal(4, _module.Requests);
    }

    [Fact]
    public async Task AOneShotFaultAppliesOnceAndAPersistentOneUntilCleared()
    {
        _module.InjectOnce(SamModuleFault.CorruptChecksum);
        Assert.Equal(SamTransferError.BadChecksum, SamFrameCodec.DecodeResponse((await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.FindCard))).Frame, out _));
        Assert.Equal(SamTransferError.None, SamFrameCodec.DecodeResponse((await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.FindCard))).Frame, out _));

        _module.Fault = SamModuleFault.NotAuthorised;
        Assert.Equal(SamStatus.NotAuthorised, Status((await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.FindCard))).Frame));
        Assert.Equal(SamStatus.NotAuthorised, Status((await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.ReadModuleId))).Frame));
        _module.Fault = SamModuleFault.None;
        Assert.Equal(SamStatus.Success, Status((await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.ReadModuleId))).Frame));
        Assert.Equal(3, _module.InjectedFaults);
    }

    [Fact]
    public async Task SilenceAndATruncatedFrameLeaveTheLineQuiet()
    {
        _module.InjectOnce(SamModuleFault.Silence);
        Assert.Empty((await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.FindCard), wait: TimeSpan.FromSeconds(5))).Frame);

        _module.InjectOnce(SamModuleFault.TruncatedFrame);
        var cut = (await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.FindCard), wait: TimeSpan.FromSeconds(5))).Frame;
        Assert.Equal(SamFrameCodec.ResponseFrameLength(0) / 2, cut.Length);
        Assert.Equal(SamTransferError.Truncated, SamFrameCodec.DecodeResponse(cut, out _));
    }

    [Fact]
    public async Task DiscardInputDropsWhatTheHostHasNotRead()
    {
        _module.Write(SamFrameCodec.EncodeRequest(SamCommand.FindCard));
        for (var ms = 0; ms < 1000; ms++)
        {
            // FakeTimeProvider jumps to the end of one Advance: step so the reply's chunk timers fire in turn.
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        _module.DiscardInput();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(100), _time);
        var read = _module.ReadAsync(new byte[32], timeout.Token).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Equal(SamStatus.NoCard, Status((await ExchangeAsync(SamFrameCodec.EncodeRequest(SamCommand.FindCard))).Frame));
    }

    [Fact]
    public async Task OnARealClockTheChunksOfAReplyArriveInOrder()
    {
        // Timers of the system clock fire on the thread pool, possibly together: the reply must still arrive in order
        // (a reordered chunk keeps the XOR checksum, so the driver could not tell).
        using var module = new SamModuleEmulator(TimeProvider.System, timing: new SamModuleTiming { ReadTextAndPhoto = TimeSpan.FromMilliseconds(1) });
        var card = new EmulatedIdCard("230102198001011236", "王小明", "19800101", "20200101", "长期");
        module.PlaceCard(card);
        var expected = SamFrameCodec.EncodeResponse(SamStatus.Success, card.EncodeReadReplyData());
        var buffer = new byte[4096];
        for (var i = 0; i < 8; i++)
        {
            await module.WriteAsync(SamFrameCodec.EncodeRequest(SamCommand.ReadTextAndPhoto));
            var received = new List<byte>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (received.Count < expected.Length)
            {
                received.AddRange(buffer.AsSpan(0, await module.ReadAsync(buffer, timeout.Token)));
            }

            Assert.Equal(expected, received);
        }
    }

    public void Dispose() => _module.Dispose();

    private static SamStatus Status(byte[] frame)
    {
        Assert.Equal(SamTransferError.None, SamFrameCodec.DecodeResponse(frame, out var response));
        return response.Status;
    }

    /// <summary>Writes <paramref name="request"/> and collects the reply as the line delivers it, 1 ms at a time, until a whole frame or <paramref name="wait"/>.</summary>
    private Task<(byte[] Frame, TimeSpan Took, int Reads)> ExchangeAsync(byte[] request, TimeSpan? wait = null) => Task.Run(async () =>
    {
        var start = _time.GetUtcNow();
        await _module.WriteAsync(request);
        var received = new List<byte>();
        var buffer = new byte[2048];
        var reads = 0;
        using var stop = new CancellationTokenSource();
        while (_time.GetUtcNow() - start < (wait ?? TimeSpan.FromSeconds(3)))
        {
            var read = _module.ReadAsync(buffer, stop.Token).AsTask();
            while (!read.IsCompleted && _time.GetUtcNow() - start < (wait ?? TimeSpan.FromSeconds(3)))
            {
                _time.Advance(TimeSpan.FromMilliseconds(1));
                await Task.Yield();
            }

            if (!read.IsCompleted)
            {
                stop.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
                break;
            }

            var n = await read;
            reads++;
            received.AddRange(buffer.AsSpan(0, n));
            if (received.Count >= SamFrameCodec.HeaderLength
                && SamFrameCodec.ReadHeader(received.ToArray(), SamFrameCodec.MinResponseLength, out var length) == SamTransferError.None
                && received.Count >= length)
            {
                break;
            }
        }

        return (received.ToArray(), _time.GetUtcNow() - start, reads);
    });
}
