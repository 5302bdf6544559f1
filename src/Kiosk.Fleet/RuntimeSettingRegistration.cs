using Kiosk.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Kiosk.Fleet;

/// <summary>
/// One settings section that may change at run time through <c>config/desired</c>: the options type it binds to,
/// the keys that may change (the allow-list; null = every property) and the validators a candidate must pass.
/// </summary>
public sealed class RuntimeSettingRegistration
{
    private readonly HashSet<string>? _changeable;
    private readonly Func<IConfigurationSection, IReadOnlyList<string>> _validate;
    private readonly Func<object> _current;

    /// <summary>Creates a registration.</summary>
    /// <param name="section">Configuration section, e.g. <c>Checkpoint</c>.</param>
    /// <param name="optionsType">The options type bound to it.</param>
    /// <param name="validate">Binds a candidate section and returns the failures (empty = valid).</param>
    /// <param name="current">The effective options object now (for <c>config/reported</c>).</param>
    /// <param name="changeableKeys">Top-level properties that may change at run time; null = all.</param>
    public RuntimeSettingRegistration(string section, Type optionsType, Func<IConfigurationSection, IReadOnlyList<string>> validate, Func<object> current, IEnumerable<string>? changeableKeys = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(section);
        Section = section;
        OptionsType = optionsType;
        _validate = validate;
        _current = current;
        _changeable = changeableKeys is null ? null : new HashSet<string>(changeableKeys, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The section.</summary>
    public string Section { get; }

    /// <summary>The options type.</summary>
    public Type OptionsType { get; }

    /// <summary>The effective options now.</summary>
    public object Current => _current();

    /// <summary>
    /// A registration for <typeparamref name="T"/>: binding errors (wrong types, unknown keys), DataAnnotations and every
    /// <see cref="IValidateOptions{TOptions}"/> (as registered in DI) decide whether a candidate is valid.
    /// </summary>
    public static RuntimeSettingRegistration Create<T>(string section, IOptionsMonitor<T> monitor, IEnumerable<IValidateOptions<T>> validators, IEnumerable<string>? changeableKeys = null)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(monitor);
        var validatorList = validators.ToArray();
        var hasSectionValidator = validatorList.Any(v => v is SectionValidator<T>);
        return new RuntimeSettingRegistration(section, typeof(T), candidate => Validate(candidate, validatorList, hasSectionValidator ? null : section), () => monitor.CurrentValue, changeableKeys);
    }

    /// <summary>True when <paramref name="key"/> (a property of the section, first path segment) may change at run time.</summary>
    public bool IsChangeable(string key)
    {
        var first = key.Split(':', 2)[0];
        if (OptionsType.GetProperty(first, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase) is null)
        {
            return false;
        }

        return _changeable is null || _changeable.Contains(first);
    }

    /// <summary>Binds and validates a candidate section.</summary>
    public IReadOnlyList<string> Validate(IConfigurationSection candidate) => _validate(candidate);

    /// <param name="candidate">The candidate section.</param>
    /// <param name="validators">The validators registered for the section.</param>
    /// <param name="unvalidatedSection">The section's name when no <see cref="SectionValidator{T}"/> is registered: its rules are checked here then.</param>
    private static IReadOnlyList<string> Validate<T>(IConfigurationSection candidate, IValidateOptions<T>[] validators, string? unvalidatedSection)
        where T : class, new()
    {
        var options = new T();
        try
        {
            candidate.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            return [$"{candidate.Path}: {ex.Message}"];
        }

        var failures = new List<string>();
        if (unvalidatedSection is not null)
        {
            failures.AddRange(SectionValidator<T>.Check(unvalidatedSection, options));
        }

        foreach (var validator in validators)
        {
            var result = validator.Validate(Options.DefaultName, options);
            if (result.Failed)
            {
                failures.AddRange(result.Failures ?? [result.FailureMessage]);
            }
        }

        return failures;
    }
}
