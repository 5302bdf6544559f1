using System.Globalization;
using System.Security.Cryptography;
using Kiosk.Service.Checkpoint;
using Kiosk.Service.Events;
using Kiosk.Service.Temperature;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Hosting;

/// <summary>The registrations every kiosk has, hardware or simulated: options, alerts, events, the checkpoint loop.</summary>
public static class KioskServices
{
    public static IServiceCollection AddKioskCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KioskOptions>().Bind(configuration.GetSection(KioskOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CheckpointOptions>().Bind(configuration.GetSection(CheckpointOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        // One fever threshold: Checkpoint:FeverThresholdC drives the policy and the thermometer's retest alike.
        services.AddOptions<ThermometerOptions>().PostConfigure(t =>
        {
            if (double.TryParse(configuration[$"{CheckpointOptions.Section}:{nameof(CheckpointOptions.FeverThresholdC)}"], NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold))
            {
                t.FeverThresholdC = threshold;
            }
        });

        services.TryAddSingleton<IEventSequence>(sp =>
            new FileEventSequence(Path.Combine(sp.GetRequiredService<IOptions<KioskOptions>>().Value.DataDirectory, "event-seq")));
        services.TryAddSingleton<AlertCenter>();
        services.TryAddSingleton<IAlerts>(sp => sp.GetRequiredService<AlertCenter>());
        services.TryAddSingleton(sp => new CodeRefHasher(SiteSecret(sp.GetRequiredService<IOptions<KioskOptions>>().Value)));
        services.TryAddSingleton<DecisionCounters>();
        services.TryAddSingleton<DecisionEventRecorder>();
        services.TryAddSingleton<IDecisionReporter>(sp => sp.GetRequiredService<DecisionEventRecorder>());
        services.TryAddSingleton<Connectivity>();
        services.TryAddSingleton<IKioskStatus, KioskStatus>();
        services.TryAddSingleton<CheckpointLoop>();
        services.TryAddSingleton<IKioskHealth>(sp => new CheckpointHealth(sp.GetRequiredService<CheckpointLoop>(), TimeSpan.FromSeconds(60)));
        return services;
    }

    /// <summary>Resolves every options type registered with <c>ValidateOnStart</c> and fails with one message if one is invalid.</summary>
    public static void ValidateOptions(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException ex)
        {
            throw new Cli.CliInputException($"configuration is invalid: {string.Join("; ", ex.Failures)}");
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            throw new Cli.CliInputException($"configuration is invalid: {string.Join("; ", ex.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures))}");
        }
    }

    private static byte[] SiteSecret(KioskOptions options)
    {
        if (string.IsNullOrEmpty(options.SiteSecret))
        {
            return RandomNumberGenerator.GetBytes(32);
        }

        try
        {
            var secret = Convert.FromBase64String(options.SiteSecret);
            return secret.Length >= 16 ? secret : throw new OptionsValidationException(nameof(KioskOptions), typeof(KioskOptions), ["Kiosk:SiteSecret must be at least 16 bytes (base64)"]);
        }
        catch (FormatException)
        {
            throw new OptionsValidationException(nameof(KioskOptions), typeof(KioskOptions), ["Kiosk:SiteSecret is not base64"]);
        }
    }
}
