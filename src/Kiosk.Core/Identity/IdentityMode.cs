namespace Kiosk.Core.Identity;

/// <summary>The site's identity mode (identity.md, "The site's identity mode").</summary>
public enum IdentityMode
{
    /// <summary>A code is decided as in checkpoint-policy.md.</summary>
    None,

    /// <summary>A code must be backed by its holder's card (rules 7a, 7b).</summary>
    Document,
}
