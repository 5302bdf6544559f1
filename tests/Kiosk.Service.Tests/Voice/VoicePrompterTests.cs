using System.Text;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Colors;
using Kiosk.Devices.Voice;
using Kiosk.Drivers.Audio;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Hosting;
using Kiosk.Service.Tests.Deploy;
using Kiosk.Service.Tests.Infrastructure;
using Kiosk.Service.Tests.Screen;
using Kiosk.Simulation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Tests.Voice;

/// <summary>
/// The prompter on the simulated sound sink in virtual time (the simulation's loop): what is spoken, in which order,
/// what cuts what, run-time settings through config/desired, and a failing device.
/// </summary>
public sealed class VoicePrompterTests
{
    // 08:00 China Standard Time.
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void SpeaksAScreenInMandarinThenEnglishWithAPause()
    {
        using var rig = new Rig();
        var zh = VoiceClips.LoadDefault(PromptTable.Pass.Name, "zh").Duration;

        rig.Play(async (voice, time) =>
        {
            voice.Announce(rig.Prompt(PromptKind.Pass));
            await Task.Delay(TimeSpan.FromSeconds(10), time);
        });

        var played = rig.Sink.Played;
        Assert.Equal(["pass.zh", "pass.en"], played.Select(p => p.Name));
        Assert.Equal(Start, played[0].At);
        // Virtual timers count whole milliseconds.
        Assert.Equal(Start + zh + VoicePrompter.LanguageGap, played[1].At, TimeSpan.FromMilliseconds(1));
        Assert.All(played, p => Assert.False(p.Cut));
        Assert.Equal(1, rig.Voice.Spoken);
    }

    [Fact]
    public void TheNextScreenCutsThePromptAndTheIdleScreenWaitsForIt()
    {
        using var rig = new Rig();

        rig.Play(async (voice, time) =>
        {
            voice.Announce(rig.Prompt(PromptKind.Measuring));
            await Task.Delay(TimeSpan.FromSeconds(1), time);
            voice.Announce(rig.Prompt(PromptKind.Refer, Reason.CodeExpired));
            await Task.Delay(TimeSpan.FromSeconds(2), time);
            voice.Announce(rig.Prompt(PromptKind.Idle));
            await Task.Delay(TimeSpan.FromSeconds(20), time);
        });

        var played = rig.Sink.Played;
        Assert.Equal(["measuring.zh", "refer-code-expired.zh", "refer-code-expired.en", "idle.zh", "idle.en"], played.Select(p => p.Name));
        Assert.True(played[0].Cut);
        Assert.Equal(TimeSpan.FromSeconds(1), played[0].Heard);
        Assert.Equal(Start.AddSeconds(1), played[1].At);
        Assert.All(played.Skip(1), p => Assert.False(p.Cut));
        Assert.Equal(played[2].At + played[2].Length, played[3].At, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void TheSameScreenShownAgainDoesNotRestartItsPromptWhichPlaysWholeInBothLanguages()
    {
        using var rig = new Rig();

        rig.Play(async (voice, time) =>
        {
            // The place-card screen drawn again (a card read that confirms nothing yet, a redraw) while it is heard.
            voice.Announce(rig.Prompt(PromptKind.PlaceCard));
            for (var i = 0; i < 7; i++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300), time);
                voice.Announce(rig.Prompt(PromptKind.PlaceCard));
            }

            await Task.Delay(TimeSpan.FromSeconds(10), time);

            // Once it has ended, the same screen for the next visitor is spoken again.
            voice.Announce(rig.Prompt(PromptKind.PlaceCard));
            await Task.Delay(TimeSpan.FromSeconds(10), time);
        });

        var played = rig.Sink.Played;
        Assert.Equal(["place-card.zh", "place-card.en", "place-card.zh", "place-card.en"], played.Select(p => p.Name));
        Assert.All(played, p => Assert.False(p.Cut));
        Assert.All(played, p => Assert.Equal(p.Length, p.Heard));
        Assert.Null(rig.Voice.Pending);
    }

    [Fact]
    public void LanguageVolumeAndQuietHoursChangeAtRunTimeThroughConfigDesired()
    {
        using var rig = new Rig();
        var full = VoiceClips.LoadDefault(PromptTable.Idle.Name, "zh");

        rig.Play(async (voice, time) =>
        {
            Assert.True(rig.Apply("""{"version":1,"Voice":{"Language":"zh","Volume":50}}""").Applied);
            voice.Announce(rig.Prompt(PromptKind.Idle));
            await Task.Delay(TimeSpan.FromSeconds(10), time);

            // 22:00-07:00 China Standard Time silent: now (08:00 + 10 s) is outside, 23:00 is inside.
            Assert.True(rig.Apply("""{"version":2,"Voice":{"Language":"en","QuietFrom":"22:00","QuietTo":"07:00","QuietVolume":0}}""").Applied);
            voice.Announce(rig.Prompt(PromptKind.Measuring));
            await Task.Delay(Start.AddHours(15) - time.GetUtcNow(), time);
            voice.Announce(rig.Prompt(PromptKind.Pass));
            await Task.Delay(TimeSpan.FromSeconds(10), time);
        });

        var played = rig.Sink.Played;
        Assert.Equal(["idle.zh", "measuring.en"], played.Select(p => p.Name));
        var quieter = PcmClip.ReadWavFile(played[0].File!, "x");
        Assert.Equal(full.Rms * 0.5, quieter.Rms, 3);
        Assert.Equal(VoiceClips.LoadDefault(PromptTable.Measuring.Name, "en").Rms * 0.8, PcmClip.ReadWavFile(played[1].File!, "x").Rms, 3);
    }

    [Fact]
    public void AMissingDeviceRaisesOneAudioFaultDropsThePromptsAndAWorkingOneClearsIt()
    {
        using var rig = new Rig(new() { ["Voice:Device"] = "default:CARD=Headphones" });

        rig.Play(async (voice, time) =>
        {
            foreach (var kind in new[] { PromptKind.Idle, PromptKind.Measuring, PromptKind.Pass, PromptKind.Idle, PromptKind.Fault })
            {
                voice.Announce(rig.Prompt(kind));
                await Task.Delay(TimeSpan.FromSeconds(1), time);
            }

            Assert.Equal([AlertKinds.AudioFault], rig.Alerts.Active);
            Assert.True(rig.Apply("""{"version":1,"Voice":{"Device":"default"}}""").Applied);
            voice.Announce(rig.Prompt(PromptKind.Idle));
            await Task.Delay(TimeSpan.FromSeconds(10), time);
        });

        var audio = rig.Events.Alerts.Where(a => a.Kind == AlertKinds.AudioFault).ToList();
        Assert.Equal([true, false], audio.Select(a => a.Active));
        Assert.Contains("simulated:default:CARD=Headphones: no such device", audio[0].Detail);
        Assert.Equal(["idle.zh", "idle.en"], rig.Sink.Played.Select(p => p.Name));
        Assert.Empty(rig.Alerts.Active);
    }

    [Fact]
    public void AfterAFailureTheSameDeviceIsTriedAgainOnlyAfterAPause()
    {
        using var rig = new Rig();
        rig.Sink.Fail("card removed");

        rig.Play(async (voice, time) =>
        {
            voice.Announce(rig.Prompt(PromptKind.Idle));
            await Task.Delay(TimeSpan.FromSeconds(1), time);
            rig.Sink.Fail(null);
            voice.Announce(rig.Prompt(PromptKind.Measuring));
            await Task.Delay(VoicePrompter.RetryAfterFault, time);
            voice.Announce(rig.Prompt(PromptKind.Pass));
            await Task.Delay(TimeSpan.FromSeconds(10), time);
        });

        Assert.Equal(["pass.zh", "pass.en"], rig.Sink.Played.Select(p => p.Name));
        var audio = rig.Events.Alerts.Where(a => a.Kind == AlertKinds.AudioFault).ToList();
        Assert.Equal([true, false], audio.Select(a => a.Active));
        Assert.Contains("card removed", audio[0].Detail);
    }

    [Fact]
    public void DisabledItSaysNothingAndAnAssistPressIsAcknowledgedWhenEnabled()
    {
        using var rig = new Rig(new() { ["Voice:Enabled"] = "false" });

        rig.Play(async (voice, time) =>
        {
            voice.Announce(rig.Prompt(PromptKind.Pass));
            await Task.Delay(TimeSpan.FromSeconds(10), time);
            Assert.True(rig.Apply("""{"version":1,"Voice":{"Enabled":true}}""").Applied);
            voice.Say(PromptTable.Assist.Name);
            await Task.Delay(TimeSpan.FromSeconds(10), time);
        });

        Assert.Equal(["assist.zh", "assist.en"], rig.Sink.Played.Select(p => p.Name));
    }

    [Fact]
    public void InvalidVoiceSettingsAreRefusedAtStartAndOverConfigDesired()
    {
        using var rig = new Rig();

        Assert.Contains("Voice:Language must be zh, en or both", rig.Apply("""{"version":1,"Voice":{"Language":"fr"}}""").Reason);
        Assert.Contains("go together", rig.Apply("""{"version":2,"Voice":{"QuietFrom":"22:00"}}""").Reason);
        Assert.Contains("Voice:TimeZone", rig.Apply("""{"version":3,"Voice":{"TimeZone":"Mars/Olympus"}}""").Reason);
        Assert.Contains("Volume", rig.Apply("""{"version":4,"Voice":{"Volume":150}}""").Reason);
        Assert.Contains("Voice:ClipsDirectory is not changeable", rig.Apply("""{"version":5,"Voice":{"ClipsDirectory":"/tmp"}}""").Reason);
        Assert.True(rig.Apply("""{"version":6,"Voice":{"TimeZone":"Asia/Shanghai","QuietFrom":"22:00","QuietTo":"07:00"}}""").Applied);
    }

    [Fact]
    public void ADesiredDeviceThatAlsaWouldMakeAShellPipeOfIsRejectedAndTheDeviceStays()
    {
        using var rig = new Rig();

        var result = rig.Apply("""{"version":1,"Voice":{"Device":"file:'|touch /tmp/x',raw"}}""");

        Assert.False(result.Applied);
        Assert.Contains("Voice:Device 'file:'|touch /tmp/x',raw' must be a plain ALSA device name", result.Reason);
        rig.Play(async (voice, time) =>
        {
            voice.Announce(rig.Prompt(PromptKind.Idle));
            await Task.Delay(TimeSpan.FromSeconds(10), time);
        });
        Assert.Equal(["idle.zh", "idle.en"], rig.Sink.Played.Select(p => p.Name));
        Assert.Empty(rig.Alerts.Active);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("../../../dev/zero")]
    [InlineData("Asia/../../../../dev/urandom")]
    [InlineData("Asia/Shang hai")]
    public void ATimeZoneThatIsAPathIsNoTimeZoneId(string zone)
    {
        Assert.False(VoiceOptions.TryParseTimeZone(zone, out _));
        Assert.True(VoiceOptions.TryParseTimeZone("Asia/Shanghai", out _));
        Assert.True(VoiceOptions.TryParseTimeZone("Etc/GMT-8", out _));
        Assert.True(VoiceOptions.TryParseTimeZone("UTC", out _));
    }

    [Fact]
    public async Task ThePrompterNeverOpensASinkForADeviceThatIsNotPlainEvenPastValidation()
    {
        var opened = new List<string>();
        var alerts = new InMemoryAlerts();
        var options = new FixedOptionsMonitor<VoiceOptions>(new VoiceOptions { Device = "file:'|touch /tmp/x',raw", ClipsDirectory = null });
        var clips = new VoiceClips(null, alerts, NullLogger<VoiceClips>.Instance);
        var voice = new VoicePrompter(clips, device => { opened.Add(device); throw new InvalidOperationException("opened"); }, options, alerts, TimeProvider.System, NullLogger<VoicePrompter>.Instance);
        using var stop = new CancellationTokenSource();
        var worker = voice.RunAsync(stop.Token);

        voice.Say(PromptTable.Idle.Name);
        await Poll.UntilAsync(() => alerts.History.Any(a => a.Kind == AlertKinds.AudioFault), "the refused device raises audio_fault");
        await stop.CancelAsync();
        await worker;

        Assert.Empty(opened);
        Assert.Contains("is refused", alerts.History.First(a => a.Kind == AlertKinds.AudioFault).Detail);
    }

    [Theory]
    [InlineData("+08:00", "2026-11-25T14:00:00Z", true)]
    [InlineData("+08:00", "2026-11-25T13:59:59Z", false)]
    [InlineData("+08:00", "2026-11-25T22:59:59Z", true)]
    [InlineData("+08:00", "2026-11-25T23:00:00Z", false)]
    [InlineData("Asia/Shanghai", "2026-11-25T15:00:00Z", true)]
    [InlineData("-05:00", "2026-11-25T15:00:00Z", false)]
    public void QuietHoursAreTheSitesLocalTimeAndMaySpanMidnight(string zone, string utc, bool quiet)
    {
        var options = new VoiceOptions { TimeZone = zone, QuietFrom = TimeSpan.FromHours(22), QuietTo = TimeSpan.FromHours(7), Volume = 80, QuietVolume = 20 };

        var now = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(quiet, options.IsQuietAt(now));
        Assert.Equal(quiet ? 0.2 : 0.8, options.GainAt(now));
    }

    /// <summary>The voice as the kiosk composes it, on a virtual clock, with the runtime configuration and alerts.</summary>
    private sealed class Rig : IDisposable
    {
        private readonly string _data = Directory.CreateTempSubdirectory("voice-rig-").FullName;
        private readonly ServiceProvider _provider;
        private readonly RemoteConfiguration _remote;

        public Rig(Dictionary<string, string?>? settings = null)
        {
            Time = new VirtualTimeProvider(Start);
            var source = new RuntimeConfigurationSource(_data);
            var values = new Dictionary<string, string?>
            {
                ["Kiosk:DataDirectory"] = _data,
                ["Voice:ClipsDirectory"] = string.Empty,
            };
            foreach (var (key, value) in settings ?? [])
            {
                values[key] = value;
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Add(source).Build();
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<IConfiguration>(configuration);
            services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
            services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
            services.AddSingleton<IEventSink>(Events);
            services.AddSingleton<IEventSequence>(new InMemoryEventSequence());
            services.AddSingleton<AlertCenter>();
            services.AddSingleton<IAlerts>(sp => sp.GetRequiredService<AlertCenter>());
            services.AddSingleton(new SimulatedSoundSink(Time, Path.Combine(_data, "audio")));
            services.AddVoice(configuration, DeviceMode.Simulated);
            services.AddOptions<KioskOptions>().Bind(configuration.GetSection(KioskOptions.Section));
            services.AddOptions<FleetOptions>();
            services.AddRuntimeSettings();
            _provider = services.BuildServiceProvider();
            KioskServices.ValidateOptions(_provider);
            _remote = new RemoteConfiguration(source, configuration, _provider.GetServices<RuntimeSettingRegistration>(), _provider.GetRequiredService<IOptions<KioskOptions>>(), _provider.GetRequiredService<IOptions<FleetOptions>>(), Time, NullLogger<RemoteConfiguration>.Instance);
            Voice = _provider.GetRequiredService<VoicePrompter>();
            Sink = _provider.GetRequiredService<SimulatedSoundSink>();
            Alerts = _provider.GetRequiredService<AlertCenter>();
        }

        public VirtualTimeProvider Time { get; }

        public RecordingEventSink Events { get; } = new();

        public VoicePrompter Voice { get; }

        public SimulatedSoundSink Sink { get; }

        public AlertCenter Alerts { get; }

        public VisitorPrompt Prompt(PromptKind kind, Reason? reason = null) =>
            new(kind, new StatusLine(Time.GetUtcNow(), true, TimeSpan.FromMinutes(1), "kiosk-01"), Reason: reason);

        public ConfigApplyResult Apply(string json) => _remote.Apply(Encoding.UTF8.GetBytes(json));

        /// <summary>Runs the worker and <paramref name="script"/> on the simulation's loop until the script ends.</summary>
        public void Play(Func<VoicePrompter, TimeProvider, Task> script)
        {
            var loop = new VirtualTimeLoop(Time, TimeSpan.FromSeconds(5));
            loop.Run(async () =>
            {
                using var stop = new CancellationTokenSource();
                var worker = Voice.RunAsync(stop.Token);
                try
                {
                    await script(Voice, Time);
                }
                finally
                {
                    stop.Cancel();
                    await worker;
                }

                return true;
            });
            Assert.Equal(0, loop.ForeignPosts);
        }

        public void Dispose()
        {
            _provider.Dispose();
            Directory.Delete(_data, recursive: true);
        }
    }
}
