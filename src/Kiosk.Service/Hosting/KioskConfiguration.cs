using Kiosk.Core;
using Kiosk.Core.Inputs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Kiosk.Service.Hosting;

/// <summary>
/// Where settings come from, lowest to highest: the shipped <c>appsettings.json</c>, the defaults of the mode
/// (<c>--simulate</c>'s own data directory, frame rate, no screens), <c>/etc/kiosk/kiosk.json</c>, <c>--config FILE</c>,
/// environment variables prefixed <c>KIOSK_</c> (e.g. <c>KIOSK_Kiosk__KioskId</c>), then what was typed on the command
/// line (<c>--mqtt</c>, <c>--screens</c>, <c>--data</c>, the scenario's feed, and the simulated camera that
/// <c>--simulate</c> means). A mode's default never hides a file or a variable. Every command builds its configuration here.
/// </summary>
internal static class KioskConfiguration
{
    public const string SystemConfigFile = "/etc/kiosk/kiosk.json";

    public static void AddSources(IConfigurationBuilder builder, string? configFile, IReadOnlyDictionary<string, string?>? overrides = null, bool includeSystemFile = true, IReadOnlyDictionary<string, string?>? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Guard(() =>
        {
            builder.Add(new BoundedJsonFileSource(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false));
            if (defaults is not null)
            {
                builder.AddInMemoryCollection(defaults);
            }

            if (includeSystemFile)
            {
                builder.Add(new BoundedJsonFileSource(SystemConfigFile, optional: true));
            }

            if (configFile is not null)
            {
                builder.Add(new BoundedJsonFileSource(Path.GetFullPath(configFile), optional: false));
            }

            builder.AddEnvironmentVariables("KIOSK_");
            if (overrides is not null)
            {
                builder.AddInMemoryCollection(overrides);
            }
        });
    }

    /// <summary>Builds the configuration, turning a broken or unreadable file into one line.</summary>
    public static IConfigurationRoot Build(string? configFile, IReadOnlyDictionary<string, string?>? overrides = null, bool includeSystemFile = true, IReadOnlyDictionary<string, string?>? defaults = null)
    {
        var builder = new ConfigurationBuilder();
        AddSources(builder, configFile, overrides, includeSystemFile, defaults);
        IConfigurationRoot? root = null;
        Guard(() => root = builder.Build());
        return root!;
    }

    private static void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (InvalidDataException ex)
        {
            throw new KioskInputException($"configuration is broken: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new KioskInputException($"configuration is broken: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"configuration file cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>A JSON file read through <see cref="BoundedFile"/> (at most <see cref="InputLimits.ConfigurationBytes"/>) each time the configuration is built.</summary>
    private sealed class BoundedJsonFileSource(string path, bool optional) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(path, optional);

        private sealed class Provider(string path, bool optional) : JsonStreamConfigurationProvider(new JsonStreamConfigurationSource())
        {
            public override void Load()
            {
                if (optional && !File.Exists(path))
                {
                    return;
                }

                var bytes = BoundedFile.ReadAllBytes(path, InputLimits.ConfigurationBytes);
                try
                {
                    Load(new MemoryStream(bytes));
                }
                catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
                {
                    throw new InvalidDataException($"{path}: {ex.Message}", ex);
                }
            }
        }
    }
}
