namespace HealthCode.Formats.Feed;

/// <summary>Bounds that keep decoding cheap on hostile input. Defaults suit tens of millions of records.</summary>
public sealed record FeedLimits
{
    /// <summary>Largest COSE message accepted, in bytes (default 512 MiB).</summary>
    public int MaxMessageBytes { get; init; } = 512 * 1024 * 1024;

    /// <summary>Longest issuer (region) name, in UTF-16 chars.</summary>
    public int MaxIssuerChars { get; init; } = 64;

    /// <summary>Most distinct issuers in one message (the in-memory store indexes them with 16 bits).</summary>
    public int MaxDistinctIssuers { get; init; } = 4096;

    /// <summary>Longest feed name, in UTF-16 chars.</summary>
    public int MaxFeedChars { get; init; } = 64;

    public static FeedLimits Default { get; } = new();
}
