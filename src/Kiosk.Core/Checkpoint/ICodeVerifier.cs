namespace Kiosk.Core.Checkpoint;

/// <summary>Turns QR text into a verdict, offline, against the current trust list.</summary>
public interface ICodeVerifier
{
    VerifiedCode Verify(string qrText, DateTimeOffset now);
}
