using System.ComponentModel.DataAnnotations;
using Kiosk.Core.Configuration;
using Kiosk.Display;

namespace Kiosk.Devices.Screen;

/// <summary>Section <c>Display</c>: frame size, languages and the sinks the screens go to.</summary>
public sealed class DisplayOptions : IValidatableObject
{
    public const string Section = "Display";

    /// <summary>Rendered frame width (the panel's; other sinks scale).</summary>
    [Range(160, 7680)]
    public int Width { get; set; } = 800;

    /// <summary>Rendered frame height.</summary>
    [Range(96, 4320)]
    public int Height { get; set; } = 480;

    /// <summary>Languages on the screens: <c>zh</c>, <c>en</c> or <c>both</c> (<see cref="LanguageSetting"/>; the earlier <c>Chinese</c>, <c>English</c>, <c>Both</c> are read too).</summary>
    public string Language { get; set; } = LanguageSetting.Both;

    /// <summary>The languages the screens are drawn in (<see cref="Language"/>; both when it is not valid, which validation reports).</summary>
    public ScreenLanguage ScreenLanguage => LanguageSetting.Normalize(Language) switch
    {
        LanguageSetting.Chinese => ScreenLanguage.Chinese,
        LanguageSetting.English => ScreenLanguage.English,
        _ => ScreenLanguage.Both,
    };

    /// <summary>PASS shows the temperature measured (<c>36.6 °C 体温正常</c>), as commercial terminals do; never REFER.</summary>
    public bool ShowTemperature { get; set; } = true;

    /// <summary>How long the assist button's "staff have been notified" screen stays before the screen under it returns.</summary>
    [Range(1, 60)]
    public int AssistNoticeSeconds { get; set; } = 5;

    /// <summary>Linux framebuffer device (HDMI or a DPI/SPI panel with a kernel driver), e.g. <c>/dev/fb0</c>; empty = none.</summary>
    public string? FramebufferDevice { get; set; } = "/dev/fb0";

    /// <summary>Clockwise rotation on the framebuffer: 0, 90, 180, 270.</summary>
    public int FramebufferRotation { get; set; }

    /// <summary>An ILI9341 panel driven over SPI from user space; null = none.</summary>
    public SpiPanelOptions? SpiPanel { get; set; }

    /// <summary>A PNG file kept current with the screen (headless kiosks, remote viewing); empty = none.</summary>
    public string? PngFile { get; set; }

    /// <summary>Save every shown screen as <c>0001-pass.png</c>, ... in this directory (<c>--screens DIR</c>); empty = off.</summary>
    public string? ScreensDirectory { get; set; }

    /// <summary>
    /// Captures (the fleet screenshot and <see cref="ScreensDirectory"/>) show the masked name as on the panel.
    /// Off by default: a capture leaves the kiosk, so the name is replaced by "***" (privacy rule).
    /// </summary>
    public bool CapturesShowName { get; set; }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FramebufferRotation is not (0 or 90 or 180 or 270))
        {
            yield return new ValidationResult("Display:FramebufferRotation must be 0, 90, 180 or 270", [nameof(FramebufferRotation)]);
        }

        if (LanguageSetting.Normalize(Language) is null)
        {
            yield return new ValidationResult(LanguageSetting.Error("Display:Language", Language), [nameof(Language)]);
        }

        if (SpiPanel is { } spi)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(spi, new ValidationContext(spi), results, validateAllProperties: true);
            foreach (var r in results)
            {
                yield return new ValidationResult($"Display:SpiPanel: {r.ErrorMessage}", r.MemberNames.Select(m => $"{nameof(SpiPanel)}.{m}"));
            }

            if (spi.Rotation is not (0 or 90 or 180 or 270))
            {
                yield return new ValidationResult("Display:SpiPanel:Rotation must be 0, 90, 180 or 270", ["SpiPanel.Rotation"]);
            }
        }
    }
}
