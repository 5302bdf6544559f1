namespace HealthCode.Formats.Feed;

/// <summary>The outcome of decoding one part of a manifest: the part, or a one-line reason it was refused.</summary>
/// <remarks>Error texts never contain ids, docRefs or colors.</remarks>
public sealed class FeedPartDecodeResult
{
    private FeedPartDecodeResult(PartMessage? part, string? error)
    {
        Part = part;
        Error = error;
    }

    /// <summary>The type-checked part; null when <see cref="Error"/> is set. Its order is not checked here (<see cref="ManifestPartChecker"/>).</summary>
    public PartMessage? Part { get; }

    /// <summary>Why the part was refused (one line); null on success.</summary>
    public string? Error { get; }

    /// <summary>True when the part decoded.</summary>
    public bool Ok => Part is not null;

    public static FeedPartDecodeResult Success(PartMessage part) => new(part ?? throw new ArgumentNullException(nameof(part)), null);

    public static FeedPartDecodeResult Failure(string error) => new(null, error);

    public override string ToString() => Ok ? $"ok: {Part}" : $"error: {Error}";
}
