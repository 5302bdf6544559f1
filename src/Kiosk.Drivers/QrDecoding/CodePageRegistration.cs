using System.Runtime.CompilerServices;
using System.Text;

namespace Kiosk.Drivers.QrDecoding;

/// <summary>
/// Registers the code-page encodings (Shift_JIS, …) when this assembly loads. ZXing guesses the charset of byte-mode
/// QR text and resolves it once, statically: without the provider a Shift_JIS code decodes to replacement characters,
/// that is, to a wrong text. Registering at module load makes it happen before any ZXing use through this assembly.
/// </summary>
internal static class CodePageRegistration
{
#pragma warning disable CA2255 // The registration must precede ZXing's static charset lookup, whichever entry point runs first.
    [ModuleInitializer]
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
#pragma warning restore CA2255
}
