namespace Kiosk.Simulation;

/// <summary>
/// A visitor's resident ID card as it lies on the simulated reader (identity.md, "Scenario files"): the fields the
/// card's text holds, when it is placed and how it reads. The fields are not checked here: a scenario may carry a
/// card that is not well-formed (that is what the card path refers).
/// </summary>
/// <param name="Number">The citizen number, at most 18 characters.</param>
/// <param name="Name">姓名, at most 15 characters.</param>
/// <param name="Birth">Birth field, at most 8 characters (<c>YYYYMMDD</c>).</param>
/// <param name="ValidFrom">Validity start, at most 8 characters.</param>
/// <param name="ValidTo">Validity end, at most 8 characters (<c>YYYYMMDD</c> or <c>长期</c>).</param>
/// <param name="AtSeconds">Placed this long after the visitor stepped up; it lies there until the visitor leaves.</param>
/// <param name="Fault">How it reads.</param>
/// <param name="Flag">The layout flag (text character 124): a space for a resident ID card; <c>I</c>, <c>J</c>, <c>Y</c> for other layouts.</param>
public sealed record ScenarioCard(string Number, string Name, string Birth, string ValidFrom, string ValidTo, double AtSeconds, ScenarioCardFault Fault, char Flag)
{
    /// <summary>Never prints a field (privacy).</summary>
    public override string ToString() => "ScenarioCard(redacted)";
}
