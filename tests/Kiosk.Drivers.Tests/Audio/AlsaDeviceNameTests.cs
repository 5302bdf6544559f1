using Kiosk.Drivers.Audio;

namespace Kiosk.Drivers.Tests.Audio;

/// <summary>
/// Which ALSA device names the kiosk opens: the names <c>aplay -L</c> prints on a Pi and a PC, and none that ALSA
/// would turn into a plugin (the file plugin's pipe runs a shell command).
/// </summary>
public sealed class AlsaDeviceNameTests
{
    [Theory]
    [InlineData("default")]
    [InlineData("null")]
    [InlineData("pulse")]
    [InlineData("Headphones")]
    [InlineData("kiosk_speaker")]
    [InlineData("kiosk-test-no-such-device")]
    [InlineData("hw:0")]
    [InlineData("hw:1,0")]
    [InlineData("hw:CARD=Headphones")]
    [InlineData("hw:CARD=vc4hdmi0,DEV=0")]
    [InlineData("plughw:1,0")]
    [InlineData("plughw:CARD=Device,DEV=0")]
    [InlineData("plughw:CARD=Device")]
    [InlineData("sysdefault:CARD=Headphones")]
    [InlineData("default:CARD=Headphones")]
    [InlineData("default:CARD=vc4hdmi0")]
    [InlineData("front:CARD=PCH,DEV=0")]
    [InlineData("dmix:CARD=Device,DEV=0")]
    [InlineData("iec958:CARD=PCH,DEV=0")]
    [InlineData("hdmi:CARD=PCH,DEV=3")]
    [InlineData("surround51:CARD=PCH,DEV=0")]
    public void TheNamesAplayListsArePlain(string name)
    {
        Assert.True(AlsaDeviceName.IsPlain(name), name);
    }

    [Theory]
    [InlineData("file:'|touch /tmp/x',raw")]
    [InlineData("file:\"|touch /tmp/x\",raw")]
    [InlineData("file:FILE=/tmp/out.raw,FORMAT=raw")]
    [InlineData("file:x,raw")]
    [InlineData("|touch /tmp/x")]
    [InlineData("{type file slave.pcm null file \"|sh\"}")]
    [InlineData("plug:{type file}")]
    [InlineData("plug:'file:|sh'")]
    [InlineData("tee:'null',/tmp/x")]
    [InlineData("hw:CARD=x y")]
    [InlineData("hw:'0'")]
    [InlineData("hw:0,0,0")]
    [InlineData("hw:CARD=x,FILE=y")]
    [InlineData("hw:CARD=$HOME")]
    [InlineData("hw:")]
    [InlineData("hw:CARD=")]
    [InlineData("default:CARD=../x")]
    [InlineData("pcm.default")]
    [InlineData("default ")]
    [InlineData(" default")]
    [InlineData("default\n")]
    [InlineData("/dev/snd/pcmC0D0p")]
    [InlineData("-default")]
    [InlineData("")]
    [InlineData(null)]
    public void AStringAlsaWouldMakeAPluginOfIsNotPlain(string? name)
    {
        Assert.False(AlsaDeviceName.IsPlain(name), name);
    }

    [Fact]
    public void ANameLongerThanSixtyFourCharactersIsNotPlain()
    {
        Assert.True(AlsaDeviceName.IsPlain(new string('a', AlsaDeviceName.MaxLength)));
        Assert.False(AlsaDeviceName.IsPlain(new string('a', AlsaDeviceName.MaxLength + 1)));
    }

    [Fact]
    public void TheSinkRefusesAPipeNameBeforeAlsaSeesItAndNoCommandRuns()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"alsa-pipe-{Guid.NewGuid():N}");

        var error = Assert.Throws<ArgumentException>(() => new AlsaSoundSink($"file:'|touch {marker}',raw", TimeProvider.System));

        Assert.Contains("is refused", error.Message);
        Assert.False(File.Exists(marker));
    }
}
