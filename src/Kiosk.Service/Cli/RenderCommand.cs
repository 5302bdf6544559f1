using System.CommandLine;
using System.Globalization;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Screen;
using Kiosk.Display;
using Kiosk.Display.Rendering;
using Kiosk.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Kiosk.Service.Cli;

/// <summary>
/// <c>kiosk render --screen NAME [--out FILE] [--size WxH] [--lang zh|en|both]</c>: draws one screen to PNG, as the kiosk
/// draws it (the prompt's row of <see cref="PromptTable"/>, through <see cref="ScreenPrompts"/>).
/// </summary>
internal static class RenderCommand
{
    /// <summary>Screen names the command accepts.</summary>
    public static IReadOnlyList<string> ScreenNames => Devices.Screen.ScreenNames.All;

    /// <summary>Refer message names the command accepts (<c>see-staff</c>, <c>code-expired</c>, ...).</summary>
    public static IReadOnlyList<string> ReferNames { get; } = Enum.GetValues<ReferMessage>().Select(ToKebab).ToArray();

    public static Command Create()
    {
        var screen = new Option<string>("--screen") { Description = $"Screen to draw: {string.Join(", ", ScreenNames)}", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "PNG file to write (default: <screen>.png in the current directory)" };
        var size = new Option<string?>("--size") { Description = "Frame size WxH (default Display:Width x Display:Height, 800x480)" };
        var lang = new Option<string?>("--lang") { Description = "Languages: zh, en or both (default Display:Language, both)" };
        var maskedName = new Option<string?>("--masked-name") { Description = "Masked holder name to preview on pass/refer/measuring/place_card (e.g. 王*明)" };
        var proxy = new Option<bool>("--proxy") { Description = "Show the 代 mark (code held on the holder's behalf)" };
        var refer = new Option<string?>("--refer") { Description = $"Refer sub-message: {string.Join(", ", ReferNames)}" };
        var detail = new Option<string?>("--detail") { Description = "Technical detail on offline/fault screens (e.g. thermometer)" };
        var kioskId = new Option<string?>("--kiosk-id") { Description = "Kiosk id in the status strip (default Kiosk:KioskId)" };
        var offersCard = new Option<bool>("--offers-card") { Description = "Idle: offer the ID card reader to visitors without a code" };

        var command = new Command("render", $"Draw one screen to a PNG file ({string.Join(", ", ScreenNames)})")
        {
            screen, output, size, lang, maskedName, proxy, refer, detail, kioskId, offersCard,
        };

        command.SetAction(parse =>
        {
            var kind = ParseScreen(parse.GetValue(screen)!);
            var (display, configuredKioskId) = ConfiguredDefaults(parse);
            var (width, height) = parse.GetValue(size) is { } sizeText ? ParseSize(sizeText) : (display.Width, display.Height);
            var prompt = PromptTable.Find(kind, parse.GetValue(refer) is { } r ? ParseRefer(r) : ReferMessage.SeeStaff, parse.GetValue(offersCard));
            var model = ScreenPrompts.ToModel(
                prompt,
                new StatusStrip(TimeProvider.System.GetLocalNow(), Online: true, DataAge: "3 min", parse.GetValue(kioskId) ?? configuredKioskId),
                maskedName: parse.GetValue(maskedName),
                proxy: parse.GetValue(proxy),
                detail: parse.GetValue(detail),
                language: parse.GetValue(lang) is { } langText ? ParseLanguage(langText) : display.ScreenLanguage);

            var name = Devices.Screen.ScreenNames.Of(kind);
            var file = parse.GetValue(output)?.FullName ?? Path.GetFullPath($"{name}.png");
            byte[] png;
            using (var renderer = new ScreenRenderer(width, height))
            {
                png = renderer.RenderPng(model);
            }

            try
            {
                File.WriteAllBytes(file, png);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new KioskInputException($"cannot write {file}: {ex.Message}", ex);
            }

            parse.InvocationConfiguration.Output.WriteLine($"{file} ({width}x{height}, {name})");
            return 0;
        });

        return command;
    }

    /// <summary>
    /// The <c>Display</c> settings, bound and validated as the service does, and the configured kiosk id. Only what the
    /// screen needs is checked: a technician previews the panel on a fresh install, before <c>Kiosk:Site</c> and
    /// <c>Kiosk:KioskId</c> are set (the service refuses to start without them; a preview shows the default id).
    /// </summary>
    private static (DisplayOptions Display, string KioskId) ConfiguredDefaults(ParseResult parse)
    {
        var configuration = KioskCli.Configuration(parse);
        using var provider = new ServiceCollection().AddKiosk(configuration, new KioskParts()).BuildServiceProvider();
        var kioskId = configuration.GetSection(KioskOptions.Section)[nameof(KioskOptions.KioskId)];
        return (KioskServices.Resolve<DisplayOptions>(provider), string.IsNullOrWhiteSpace(kioskId) ? new KioskOptions().KioskId : kioskId);
    }

    internal static PromptKind ParseScreen(string name) =>
        Devices.Screen.ScreenNames.Parse(name) ?? throw new KioskInputException($"unknown screen '{name}' (expected one of: {string.Join(", ", ScreenNames)})");

    internal static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split('x');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && w is >= 160 and <= 7680 && h is >= 96 and <= 4320)
        {
            return (w, h);
        }

        throw new KioskInputException($"bad --size '{text}' (expected WxH between 160x96 and 7680x4320, e.g. 800x480)");
    }

    internal static ScreenLanguage ParseLanguage(string text) => Kiosk.Core.Configuration.LanguageSetting.Normalize(text) switch
    {
        Kiosk.Core.Configuration.LanguageSetting.Chinese => ScreenLanguage.Chinese,
        Kiosk.Core.Configuration.LanguageSetting.English => ScreenLanguage.English,
        Kiosk.Core.Configuration.LanguageSetting.Both => ScreenLanguage.Both,
        _ => throw new KioskInputException(Kiosk.Core.Configuration.LanguageSetting.Error("--lang", text)),
    };

    internal static ReferMessage ParseRefer(string text)
    {
        var key = text.Trim().ToLowerInvariant();
        foreach (var value in Enum.GetValues<ReferMessage>())
        {
            if (key == ToKebab(value) || key == value.ToString().ToLowerInvariant())
            {
                return value;
            }
        }

        throw new KioskInputException($"unknown --refer '{text}' (expected one of: {string.Join(", ", ReferNames)})");
    }

    private static string ToKebab(ReferMessage value) =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
