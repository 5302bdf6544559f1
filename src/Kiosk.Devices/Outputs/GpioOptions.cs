using System.ComponentModel.DataAnnotations;

namespace Kiosk.Devices.Outputs;

/// <summary>Section <c>Gpio</c>: gate relay, indicator lamps, buzzer and assist button (BCM numbers).</summary>
public sealed class GpioOptions : IValidatableObject
{
    public const string Section = "Gpio";

    /// <summary>The GPIO driver: <c>Auto</c> (libgpiod when installed, else the register driver on a Pi 3/4), <c>RaspberryPi</c>, <c>Libgpiod</c>.</summary>
    public Kiosk.Drivers.Gpio.GpioDriverKind Driver { get; set; }

    /// <summary>For libgpiod: <c>/dev/gpiochipN</c> of the header; null = the board's (Pi 5: 4 on older kernels, else 0).</summary>
    [Range(0, 63)]
    public int? Chip { get; set; }

    /// <summary>For libgpiod: <c>Auto</c>, <c>V1</c> (libgpiod.so.2, Bookworm) or <c>V2</c> (libgpiod.so.3).</summary>
    public Kiosk.Drivers.Gpio.LibgpiodVersion LibgpiodVersion { get; set; }

    /// <summary>Gate relay pin.</summary>
    [Range(0, 127)]
    public int GatePin { get; set; } = 17;

    /// <summary>The relay closes on a high level.</summary>
    public bool GateActiveHigh { get; set; } = true;

    /// <summary>How long the relay stays closed per PASS, ms.</summary>
    [Range(50, 30_000)]
    public int GatePulseMs { get; set; } = 1500;

    /// <summary>The "pass LED" (the lamp by the gate that lights on PASS).</summary>
    [Range(0, 127)]
    public int PassLedPin { get; set; } = 27;

    /// <summary>The "refer LED" (the lamp that lights on REFER).</summary>
    [Range(0, 127)]
    public int ReferLedPin { get; set; } = 22;

    /// <summary>The lamps light on a high level.</summary>
    public bool LedsActiveHigh { get; set; } = true;

    /// <summary>Active buzzer pin.</summary>
    [Range(0, 127)]
    public int BuzzerPin { get; set; } = 23;

    /// <summary>The buzzer sounds on a high level.</summary>
    public bool BuzzerActiveHigh { get; set; } = true;

    /// <summary>Assist ("call staff") button pin.</summary>
    [Range(0, 127)]
    public int AssistButtonPin { get; set; } = 5;

    /// <summary>Button to ground with the internal pull-up (pressed = low); false: to 3V3 with the pull-down.</summary>
    public bool AssistButtonActiveLow { get; set; } = true;

    /// <summary>Button debounce, ms.</summary>
    [Range(1, 1000)]
    public int DebounceMs { get; set; } = 30;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var pins = new (string Name, int Pin)[]
        {
            (nameof(GatePin), GatePin), (nameof(PassLedPin), PassLedPin), (nameof(ReferLedPin), ReferLedPin),
            (nameof(BuzzerPin), BuzzerPin), (nameof(AssistButtonPin), AssistButtonPin),
        };
        foreach (var clash in pins.GroupBy(p => p.Pin).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult(
                $"Gpio: pin {clash.Key} is used by {string.Join(" and ", clash.Select(c => c.Name))}",
                clash.Select(c => c.Name).ToArray());
        }
    }
}
