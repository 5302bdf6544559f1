using Kiosk.Service.Cli;
using Microsoft.Extensions.Configuration;

namespace Kiosk.Service.Hosting;

/// <summary>
/// Where settings come from, lowest to highest: the shipped <c>appsettings.json</c>, <c>/etc/kiosk/kiosk.json</c>,
/// <c>--config FILE</c>, environment variables prefixed <c>KIOSK_</c> (e.g. <c>KIOSK_Kiosk__KioskId</c>), then
/// command-line overrides of the simulation.
/// </summary>
public static class KioskConfiguration
{
    public const string SystemConfigFile = "/etc/kiosk/kiosk.json";

    public static void AddSources(IConfigurationBuilder builder, string? configFile, IReadOnlyDictionary<string, string?>? overrides = null, bool includeSystemFile = true)
    {
        builder.SetBasePath(AppContext.BaseDirectory);
        builder.AddJsonFile("appsettings.json", optional: false, reloadOnChange: false);
        if (includeSystemFile)
        {
            builder.AddJsonFile(SystemConfigFile, optional: true, reloadOnChange: false);
        }

        if (configFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables("KIOSK_");
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }
    }

    /// <summary>Builds the configuration, turning a broken file into one line.</summary>
    public static IConfigurationRoot Build(string? configFile, IReadOnlyDictionary<string, string?>? overrides = null, bool includeSystemFile = true)
    {
        var builder = new ConfigurationBuilder();
        AddSources(builder, configFile, overrides, includeSystemFile);
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException ex)
        {
            throw new CliInputException($"configuration is broken: {ex.InnerException?.Message ?? ex.Message}");
        }
        catch (FormatException ex)
        {
            throw new CliInputException($"configuration is broken: {ex.Message}");
        }
    }
}
