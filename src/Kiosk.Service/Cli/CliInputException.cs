using System.CommandLine.Parsing;

namespace Kiosk.Service.Cli;

/// <summary>Bad input from the user (missing file, unreadable image, bad option value): printed as one line, exit 2.</summary>
public sealed class CliInputException(string message, Exception? inner = null) : Exception(message, inner);
