namespace HealthCode.Formats.Feed;

/// <summary>The outcome of decoding one feed message: the verified message, or a one-line reason it was refused.</summary>
/// <remarks>Error texts name the layer and the rule that failed; they never contain ids or colors.</remarks>
public sealed class FeedDecodeResult
{
    private FeedDecodeResult(FeedMessage? message, string? error)
    {
        Message = message;
        Error = error;
    }

    /// <summary>The verified, type-checked message; null when <see cref="Error"/> is set.</summary>
    public FeedMessage? Message { get; }

    /// <summary>Why the message was refused (one line); null on success.</summary>
    public string? Error { get; }

    /// <summary>True when the signature verified and the payload decoded.</summary>
    public bool Ok => Message is not null;

    public static FeedDecodeResult Success(FeedMessage message) => new(message ?? throw new ArgumentNullException(nameof(message)), null);

    public static FeedDecodeResult Failure(string error) => new(null, error);

    public override string ToString() => Ok ? $"ok: {Message!.GetType().Name}" : $"error: {Error}";
}
