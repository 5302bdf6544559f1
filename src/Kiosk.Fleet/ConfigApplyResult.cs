using System.Reflection;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Primitives;

namespace Kiosk.Fleet;

/// <summary>The answer to one <c>config/desired</c> document.</summary>
/// <param name="Status"><c>applied</c>, <c>unchanged</c> or <c>rejected</c>.</param>
/// <param name="Version">The document's version, when it had one.</param>
/// <param name="Reason">Why it was rejected.</param>
/// <param name="Keys">When rejected: each key of the document (<c>Section:Key</c>) with the reasons that name it; a key no reason names is absent.</param>
public sealed record ConfigApplyResult(string Status, long? Version, string? Reason, IReadOnlyDictionary<string, string>? Keys = null)
{
    /// <summary>True when the document is now in force.</summary>
    public bool Applied => Status == "applied";
}
