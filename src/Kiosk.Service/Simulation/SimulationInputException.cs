namespace Kiosk.Service.Simulation;

/// <summary>
/// Input a simulation cannot use: a malformed or unreadable scenario, a visitor's image that is not an image, an events
/// file that cannot be written. The simulation knows no command line; the CLI prints it as one line, exit 2.
/// </summary>
public sealed class SimulationInputException(string message, Exception? inner = null) : Exception(message, inner);
