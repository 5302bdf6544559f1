using HealthCode.Formats.Feed;

namespace Kiosk.Core.Inputs;

/// <summary>The size of every input the kiosk and its command line read, in one place (enforced by <see cref="BoundedFile"/>).</summary>
public static class InputLimits
{
    /// <summary>A scenario file (cli.md): thousands of visitors fit in a few MiB.</summary>
    public const long ScenarioBytes = 16L << 20;

    /// <summary>An encoded image of a QR code (PNG, JPEG, WebP): a 12 MP photo is well under this.</summary>
    public const long ImageBytes = 64L << 20;

    /// <summary>A JSON trust list file: thousands of issuer certificates.</summary>
    public const long TrustListBytes = 16L << 20;

    /// <summary>A PEM or PFX file (a CA, a client certificate or its key): a chain of a few certificates is a few KiB.</summary>
    public const long CertificateBytes = 1L << 20;

    /// <summary>A configuration file (JSON).</summary>
    public const long ConfigurationBytes = 4L << 20;

    /// <summary>One line of <c>inspect --batch</c>: a code (at most 4296 characters) and a certificate in base64.</summary>
    public const int BatchLineChars = 1 << 20;

    /// <summary>The most characters a QR code holds (version 40, alphanumeric, level L); a scenario's <c>qr</c> text beyond it is no QR code.</summary>
    public const int QrTextChars = 4296;

    /// <summary>A signed feed message (color-feed.md): the decoder's own limit.</summary>
    public static long FeedMessageBytes => FeedLimits.Default.MaxMessageBytes;
}
