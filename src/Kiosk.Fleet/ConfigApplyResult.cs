using System.Reflection;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Primitives;

namespace Kiosk.Fleet;

/// <summary>The answer to one <c>config/desired</c> document.</summary>
/// <param name="Status"><c>applied</c>, <c>unchanged</c> or <c>rejected</c>.</param>
/// <param name="Version">The document's version, when it had one.</param>
/// <param name="Reason">Why it was rejected.</param>
public sealed record ConfigApplyResult(string Status, long? Version, string? Reason)
{
    /// <summary>True when the document is now in force.</summary>
    public bool Applied => Status == "applied";
}
