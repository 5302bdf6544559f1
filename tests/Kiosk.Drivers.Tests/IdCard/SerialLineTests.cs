using System.Runtime.Versioning;
using Kiosk.Drivers.IdCard;

namespace Kiosk.Drivers.Tests.IdCard;

/// <summary>
/// The driver on a real serial device node (a pseudo-terminal) with the emulated module at the other end, in real
/// time: the hardware path the kiosk opens with <c>Identity:Port</c>.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SerialLineTests
{
    private static readonly IdCardReaderSettings Fast = new() { ResponseTimeout = TimeSpan.FromSeconds(2), ReadTimeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task TheDriverReadsACardThroughASerialPortAndTimesOutOnSilence()
    {
        using var module = new SamModuleEmulator(TimeProvider.System, timing: new SamModuleTiming { ReadTextAndPhoto = TimeSpan.FromMilliseconds(100) });
        using var line = new PseudoTerminal(module);
        using var reader = IdCardReader.OpenSerial(line.Path, IdCardReader.DefaultBaudRate, TimeProvider.System, Fast);

        Assert.Equal(IdCardPollOutcome.NoCard, (await reader.PollAsync(CancellationToken.None)).Outcome);

        module.PlaceCard(new EmulatedIdCard("230102198001011236", "王小明", "19800101", "20200101", "长期"));
        module.InjectOnce(SamModuleFault.CorruptChecksum, SamCommand.ReadTextAndPhoto);
        var read = await reader.PollAsync(CancellationToken.None);
        Assert.Equal(IdCardPollOutcome.CardRead, read.Outcome);
        Assert.Equal(("230102198001011236", "王小明"), (read.Card!.Number, read.Card.Name));
        Assert.Equal((1L, 1L), (reader.Statistics.BadChecksums, reader.Statistics.Retries));

        // The serial stream's pending read is cancelled by the response timeout: silence is a fault, not a hang.
        module.Fault = SamModuleFault.Silence;
        var silent = await reader.PollAsync(CancellationToken.None);
        Assert.Equal((IdCardPollOutcome.ModuleFault, SamTransferError.NoResponse), (silent.Outcome, silent.TransferError));

        module.Fault = SamModuleFault.None;
        Assert.Equal(IdCardPollOutcome.CardRead, (await reader.PollAsync(CancellationToken.None)).Outcome);
    }
}
