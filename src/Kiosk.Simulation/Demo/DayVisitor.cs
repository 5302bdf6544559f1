namespace Kiosk.Simulation.Demo;

/// <summary>One visitor of a day: when, and the reason the policy demands (or "-" for a visitor without a code).</summary>
internal sealed record DayVisitor(double AtSeconds, string Expected);
