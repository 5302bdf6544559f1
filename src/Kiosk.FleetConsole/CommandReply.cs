using System.Text.Json;

namespace Kiosk.FleetConsole;

/// <summary>One kiosk's answer to a command, or why there is none.</summary>
/// <param name="Site">The site.</param>
/// <param name="KioskId">The kiosk.</param>
/// <param name="Outcome"><c>ok</c>, <c>rejected</c> (the kiosk answered with an error), <c>timeout</c> or <c>not sent</c> (not connected).</param>
/// <param name="Detail">The error, or why it was not sent; null when ok.</param>
/// <param name="Result">The answer's <c>result</c> object (ok only).</param>
public sealed record CommandReply(string Site, string KioskId, string Outcome, string? Detail, JsonElement? Result)
{
    /// <summary>The kiosk ran the command.</summary>
    public const string Ok = "ok";

    /// <summary>The kiosk answered that it could not.</summary>
    public const string Rejected = "rejected";

    /// <summary>No answer within the timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The kiosk is not connected: the command was not sent to it.</summary>
    public const string NotSent = "not sent";

    /// <summary><c>site/kiosk</c>.</summary>
    public string Name => $"{Site}/{KioskId}";

    /// <summary>True when the kiosk ran the command.</summary>
    public bool Succeeded => Outcome == Ok;
}
