
namespace Kiosk.Core;

/// <summary>Bad input from the user (missing file, unreadable image, bad option value): printed as one line, exit 2.</summary>
public sealed class KioskInputException(string message, Exception? inner = null) : Exception(message, inner);
