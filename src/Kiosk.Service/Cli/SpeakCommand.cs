using System.CommandLine;
using System.Globalization;
using Kiosk.Colors;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Kiosk.Devices.Voice;
using Kiosk.Drivers.Audio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kiosk.Service.Cli;

/// <summary>
/// <c>kiosk speak PROMPT [--lang zh|en|both] [--device ALSA] [--volume 0-100] [--config FILE]</c>: plays one prompt on
/// the sound device as the kiosk would (the configured <c>Voice</c> settings and the site's recordings), to check a
/// speaker after installation. The audio counterpart of <c>kiosk render</c>. <c>kiosk speak --list</c> auditions every
/// prompt in turn, printing what each says (the prompt table's words, as its screen shows them) and whether the clip
/// heard is the site's recording or the default.
/// </summary>
internal static class SpeakCommand
{
    public static Command Create()
    {
        var names = PromptTable.All.Select(p => p.Name).ToArray();
        var prompt = new Argument<string?>("PROMPT") { Description = $"Prompt to speak: {string.Join(", ", names)}", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<bool>("--list") { Description = "Audition every prompt in turn, printing what each says and which clip is heard" };
        var lang = new Option<string?>("--lang") { Description = "zh, en or both (default: Voice:Language)" };
        var device = new Option<string?>("--device") { Description = "ALSA playback device (default: Voice:Device; `aplay -L` lists them)" };
        var volume = new Option<int?>("--volume") { Description = "Volume 0-100 (default: Voice:Volume)" };
        var command = new Command("speak", "Play one spoken prompt on the sound device (idle, pass, refer-further-check, ...)")
        {
            prompt, lang, device, volume, list,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var all = parse.GetValue(list);
            var name = parse.GetValue(prompt)?.Trim().ToLowerInvariant();
            if (all == (name is not null))
            {
                throw new KioskInputException($"give a prompt to speak ({string.Join(", ", names)}) or --list, not both");
            }

            if (name is not null && PromptTable.Named(name) is null)
            {
                throw new KioskInputException($"unknown prompt '{name}' (expected one of: {string.Join(", ", names)})");
            }

            var options = new VoiceOptions();
            KioskCli.Configuration(parse).GetSection(VoiceOptions.Section).Bind(options);
            options.Language = parse.GetValue(lang) ?? options.Language;
            if (parse.GetValue(device) is { } asked && !AlsaDeviceName.IsPlain(asked))
            {
                // ALSA parses a device name as configuration: file:'|cmd' would run cmd.
                throw new KioskInputException($"--device '{AlsaDeviceName.Printable(asked)}' must be {AlsaDeviceName.Expected}");
            }

            options.Device = parse.GetValue(device) ?? options.Device;
            options.Volume = parse.GetValue(volume) ?? options.Volume;
            var failures = SectionValidator<VoiceOptions>.Check(VoiceOptions.Section, options).ToList();
            if (failures.Count > 0)
            {
                // A value typed as an option is named as that option (--lang), one from the configuration as its key (Voice:Language).
                var typed = new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    [$"{VoiceOptions.Section}:{nameof(VoiceOptions.Language)} "] = parse.GetValue(lang) is null ? null : "--lang ",
                    [$"{VoiceOptions.Section}:{nameof(VoiceOptions.Device)} "] = parse.GetValue(device) is null ? null : "--device ",
                    [$"{VoiceOptions.Section}:{nameof(VoiceOptions.Volume)} "] = parse.GetValue(volume) is null ? null : "--volume ",
                };
                throw new KioskInputException(string.Join("; ", failures.Select(line =>
                    typed.FirstOrDefault(t => t.Value is not null && line.StartsWith(t.Key, StringComparison.Ordinal)) is { Value: { } option, Key: { } key }
                        ? option + line[key.Length..]
                        : line)));
            }

            var alerts = new InMemoryAlerts();
            var clips = new VoiceClips(options.ClipsDirectory, alerts, NullLogger<VoiceClips>.Instance);
            foreach (var alert in alerts.History)
            {
                parse.InvocationConfiguration.Error.WriteLine($"warning: {alert.Detail}");
            }

            var sink = new AlsaSoundSink(options.Device, TimeProvider.System);
            if (name is null)
            {
                await AuditionAsync(parse, sink, clips, options, cancellationToken);
                return 0;
            }

            var started = TimeProvider.System.GetTimestamp();
            try
            {
                await VoicePrompter.PlayAsync(sink, clips, name, options.LanguageCodes, options.Volume / 100.0, TimeProvider.System, cancellationToken);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
            {
                // SoundDevice throws System.Exception for ALSA errors: say which device.
                throw new IOException($"{sink.Name}: {OneLine.Of(ex.Message)}", ex);
            }

            var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
            var site = options.LanguageCodes.Where(l => clips.FromSite.Contains($"{name}.{l}")).ToList();
            parse.InvocationConfiguration.Output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{name} ({string.Join("+", options.LanguageCodes)}) on {sink.Name} at {options.Volume} %: {seconds:0.0} s{(site.Count > 0 ? $", site recording: {string.Join(", ", site)}" : string.Empty)}"));
            return 0;
        });
        return command;
    }

    /// <summary>Plays every prompt of the table in turn, each line saying what it says and which clips are heard.</summary>
    private static async Task AuditionAsync(ParseResult parse, AlsaSoundSink sink, VoiceClips clips, VoiceOptions options, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var total = TimeSpan.Zero;
        foreach (var row in PromptTable.All)
        {
            var heard = options.LanguageCodes.Select(l =>
            {
                var clip = clips.Get(row.Name, l);
                var source = clips.FromSite.Contains($"{row.Name}.{l}") ? "site" : "default";
                return clip is null ? $"{l}: no clip" : string.Create(CultureInfo.InvariantCulture, $"{l} {clip.Duration.TotalSeconds:0.0} s {source}");
            });
            output.WriteLine($"{row.Name}: {row.Spoken.Zh} / {row.Spoken.En} ({string.Join(", ", heard)})");
            try
            {
                var started = TimeProvider.System.GetTimestamp();
                await VoicePrompter.PlayAsync(sink, clips, row.Name, options.LanguageCodes, options.Volume / 100.0, TimeProvider.System, cancellationToken);
                total += TimeProvider.System.GetElapsedTime(started);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
            {
                throw new IOException($"{sink.Name}: {OneLine.Of(ex.Message)}", ex);
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{PromptTable.All.Count} prompts ({string.Join("+", options.LanguageCodes)}) on {sink.Name} at {options.Volume} %: {total.TotalSeconds:0.0} s"));
    }
}
