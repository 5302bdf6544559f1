using System.Text.Json.Nodes;
using HealthCode.Formats;
using HealthCode.Formats.Identity;

namespace Kiosk.Simulation.Demo;

/// <summary>One visitor of the demo and the outcome the policy demands for it.</summary>
/// <param name="AtSeconds">When the visitor steps up.</param>
/// <param name="Json">The visitor's entry in the scenario file.</param>
/// <param name="Expected">The reason the policy demands, or "-" when no code is shown.</param>
/// <param name="Story">One line for the result table.</param>
/// <param name="Qr">The QR text the visitor shows, if any.</param>
/// <param name="Claim">The health-code claim inside it (holder's masked name, code id, color), if it carries one.</param>
/// <param name="Card">The ID card the visitor lays on the reader, if any.</param>
/// <param name="CardDocRef">That card's docRef under the demo's docKey.</param>
public sealed record DemoVisitor(double AtSeconds, JsonObject Json, string Expected, string Story, string? Qr = null, HealthCodeClaim? Claim = null, DemoCard? Card = null, DocRef? CardDocRef = null);
