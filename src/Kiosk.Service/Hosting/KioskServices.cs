using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Kiosk.Colors;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Configuration;
using Kiosk.Core.Events;
using Kiosk.Devices.Temperature;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Hosting;

/// <summary>The registrations every kiosk has, hardware or simulated: options, alerts, events, the checkpoint loop.</summary>
internal static partial class KioskServices
{
    internal static IServiceCollection AddKioskCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSection<KioskOptions>(configuration, KioskOptions.Section);
        services.AddSection<CheckpointOptions>(configuration, CheckpointOptions.Section);

        // The kiosk's state lives under Kiosk:DataDirectory: a relative ColorFeed:DatabasePath is there.
        services.AddOptions<ColorFeedOptions>().PostConfigure<IOptions<KioskOptions>>((o, kiosk) =>
        {
            if (!string.IsNullOrWhiteSpace(o.DatabasePath))
            {
                o.DatabasePath = Path.Combine(kiosk.Value.DataDirectory, o.DatabasePath);
            }
        });

        // One fever threshold: Checkpoint:FeverThresholdC drives the policy and the thermometer's retest alike. Each
        // time the thermometer's options are built (at start, and after every reload: a remote config may change the
        // threshold) they take it from the Checkpoint options bound then. The factory, not the monitor: the monitor's
        // cache may not have heard of the reload yet when the thermometer's options are rebuilt.
        services.AddOptions<ThermometerOptions>().PostConfigure<IOptionsFactory<CheckpointOptions>>((t, checkpoint) =>
            t.FeverThresholdC = checkpoint.Create(Options.DefaultName).FeverThresholdC);

        services.TryAddSingleton<IEventSequence>(sp =>
            new FileEventSequence(Path.Combine(sp.GetRequiredService<IOptions<KioskOptions>>().Value.DataDirectory, "event-seq")));
        services.TryAddSingleton<AlertCenter>();
        services.TryAddSingleton<IAlerts>(sp => sp.GetRequiredService<AlertCenter>());
        services.TryAddSingleton(sp => new CodeRefHasher(SiteSecret(sp.GetRequiredService<IOptions<KioskOptions>>().Value)));
        services.TryAddSingleton<DecisionCounters>();
        services.TryAddSingleton<DecisionEventRecorder>();
        services.TryAddSingleton<IDecisionReporter>(sp => sp.GetRequiredService<DecisionEventRecorder>());
        services.TryAddSingleton<Connectivity>();
        services.TryAddSingleton<IKioskStatus>(sp => new KioskStatus(
            sp.GetRequiredService<IAlerts>(),
            sp.GetRequiredService<IColorStore>(),
            sp.GetRequiredService<Connectivity>(),
            sp.GetRequiredService<IOptionsMonitor<CheckpointOptions>>(),
            sp.GetRequiredService<IOptions<KioskOptions>>().Value.KioskId,
            hasCardReader: sp.GetService<ICardReader>() is not null));
        services.TryAddSingleton<PresentationPumps>();
        services.TryAddSingleton<VisitorOutputs>();
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
        catch (Exception ex) when (ConfigurationError(ex) is { } message)
        {
            throw new KioskInputException(message, ex);
        }
    }

    /// <summary>
    /// One options type, bound and validated as the service does, for a command that needs only that section: a bad
    /// value is a <see cref="KioskInputException"/> naming the key, and nothing else of the configuration is checked.
    /// </summary>
    public static T Resolve<T>(IServiceProvider services)
        where T : class
    {
        try
        {
            return services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (Exception ex) when (ConfigurationError(ex) is { } message)
        {
            throw new KioskInputException(message, ex);
        }
    }

    /// <summary>
    /// One line for a configuration error, naming the key: a failed validation, or a value the binder cannot convert
    /// (<c>"PassHold": "x"</c>). Null for any other exception. The value itself is left out (it may be a password).
    /// </summary>
    public static string? ConfigurationError(Exception exception)
    {
        var failures = new List<string>();
        foreach (var inner in exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [exception])
        {
            switch (inner)
            {
                case OptionsValidationException validation:
                    failures.AddRange(validation.Failures);
                    break;
                case InvalidOperationException { InnerException: not null } binding when BindingFailure().Match(binding.Message) is { Success: true } match:
                    failures.Add($"{match.Groups["key"].Value} is not a valid {Friendly(match.Groups["type"].Value)}");
                    break;
                default:
                    return null;
            }
        }

        // Distinct: an options type built from another (the thermometer's threshold is the checkpoint's) fails with it.
        return failures.Count == 0 ? null : $"configuration is invalid: {string.Join("; ", failures.Distinct(StringComparer.Ordinal))}";

        static string Friendly(string type) => type switch
        {
            "System.TimeSpan" => "duration (hh:mm:ss)",
            "System.Int32" or "System.Int64" or "System.UInt16" => "whole number",
            "System.Double" => "number",
            "System.Boolean" => "true or false",
            _ => type[(type.LastIndexOf('.') + 1)..],
        };
    }

    // Microsoft.Extensions.Configuration.Binder: "Failed to convert configuration value ['v' ]at 'Section:Key' to type 'T'."
    [GeneratedRegex("at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex BindingFailure();

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

/// <summary>Healthy while the checkpoint loop is idle or in a stage that has not lasted too long.</summary>
internal sealed class CheckpointHealth(CheckpointLoop loop, TimeSpan maxStage) : IKioskHealth
{
    public string? Problem() =>
        loop.Phase is not (CheckpointPhase.Idle or CheckpointPhase.Showing) && loop.StageAge > maxStage + loop.StageAllowance
            ? $"checkpoint stuck in {loop.Phase} for {loop.StageAge.TotalSeconds:0} s"
            : null;
}
