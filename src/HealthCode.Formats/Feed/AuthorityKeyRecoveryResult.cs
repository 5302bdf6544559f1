namespace HealthCode.Formats.Feed;

/// <summary>The outcome of <see cref="AuthorityKeyRecovery.Recover"/>: the one key, or why there is none.</summary>
/// <param name="Key">The SubjectPublicKeyInfo DER of the key that signed every message; null on failure.</param>
/// <param name="Error">One line saying why no single key was found; null on success.</param>
public sealed record AuthorityKeyRecoveryResult(byte[]? Key, string? Error)
{
    /// <summary>True when exactly one key signed every message.</summary>
    public bool Found => Key is not null;
}
