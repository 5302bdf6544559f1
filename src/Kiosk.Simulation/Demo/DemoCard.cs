using System.Text.Json.Nodes;
using HealthCode.Formats.Identity;

namespace Kiosk.Simulation.Demo;

/// <summary>A made-up resident ID card of the demo (no real person).</summary>
/// <param name="Number">Citizen number.</param>
/// <param name="Name">姓名.</param>
/// <param name="Birth"><c>YYYYMMDD</c>.</param>
/// <param name="ValidTo"><c>YYYYMMDD</c> or <c>长期</c>.</param>
/// <param name="ValidFrom"><c>YYYYMMDD</c>.</param>
public sealed record DemoCard(string Number, string Name, string Birth, string ValidTo = "20400101", string ValidFrom = "20200101")
{
    /// <summary>A card with a valid number for this birth date.</summary>
    public static DemoCard Of(string name, DateOnly birth, int sequence, string area = "230102") =>
        new(ResidentIdCard.Compose(area, birth, sequence), name, birth.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The scenario's <c>card</c> object, laid on the reader <paramref name="atSeconds"/> after the visitor stepped up.</summary>
    public JsonObject ToJson(double atSeconds) => new()
    {
        ["number"] = Number,
        ["name"] = Name,
        ["birth"] = Birth,
        ["validFrom"] = ValidFrom,
        ["validTo"] = ValidTo,
        ["atSeconds"] = atSeconds,
        ["fault"] = null,
    };

    /// <summary>Never prints a field.</summary>
    public override string ToString() => "DemoCard(redacted)";
}
