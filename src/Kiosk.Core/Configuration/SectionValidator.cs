using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Kiosk.Core.Configuration;

/// <summary>
/// The one validator of every options section: its DataAnnotations attributes, then its own cross-key rules
/// (<see cref="IValidatableObject"/>), and keys of earlier versions that a configuration must no longer hold. Every
/// failure is one line naming the key as a technician writes it (<c>Voice:Volume must be between 0 and 100</c>).
/// </summary>
/// <typeparam name="T">The options type.</typeparam>
/// <param name="section">The section's name (<c>Voice</c>).</param>
/// <param name="configuration">The configuration root, for <paramref name="removedKeys"/>; null when there are none.</param>
/// <param name="removedKeys">Keys of earlier versions (relative to the section) and what replaces each.</param>
/// <param name="boundTypes">Every options type bound to the section (<typeparamref name="T"/> when null): a key none of them has is unknown.</param>
public sealed class SectionValidator<T>(string section, IConfiguration? configuration = null, IReadOnlyDictionary<string, string>? removedKeys = null, IEnumerable<Type>? boundTypes = null) : IValidateOptions<T>
    where T : class
{
    private readonly Type[] _boundTypes = (boundTypes ?? []).Append(typeof(T)).Distinct().ToArray();

    /// <summary>The section's name.</summary>
    public string Section { get; } = section;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, T options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Shape().ToList();
        failures.AddRange(Check(Section, options));
        foreach (var (key, replacement) in removedKeys ?? new Dictionary<string, string>())
        {
            if (configuration?[$"{Section}:{key}"] is not null)
            {
                failures.Add($"{Section}:{key} is removed: {replacement}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// What the binder would skip without a word: a section that is a value (<c>"Voice": 5</c>) or an array
    /// (<c>"Checkpoint": [1,2]</c>) instead of an object, and an enum-valued key that holds a number
    /// (<c>"Identity": {"Mode": 3}</c>) or no defined name.
    /// </summary>
    private IEnumerable<string> Shape()
    {
        if (configuration is null)
        {
            yield break;
        }

        var section = configuration.GetSection(Section);
        if (section.Value is { Length: > 0 })
        {
            yield return $"{Section} must be an object of keys, not a value";
            yield break;
        }

        var children = section.GetChildren().ToList();
        // Any index among the keys: an array in one file (the others' keys are merged beside it).
        if (children.Any(c => int.TryParse(c.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            yield return $"{Section} must be an object of keys, not an array";
            yield break;
        }

        // A misspelt key would be skipped by the binder and the default used without a word.
        var known = KnownKeys.Of(Section, _boundTypes);
        foreach (var child in children)
        {
            if (!KnownKeys.IsProperty(child.Key, _boundTypes) && !(removedKeys ?? new Dictionary<string, string>()).Keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                yield return KnownKeys.Unknown($"{Section}:{child.Key}", known);
            }
        }

        foreach (var property in typeof(T).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (!type.IsEnum)
            {
                continue;
            }

            var key = section.GetSection(property.Name);
            var names = Enum.GetNames(type);
            if (key.GetChildren().Any())
            {
                yield return $"{Section}:{property.Name} must be one of {string.Join(", ", names)}, not an object or array";
            }
            else if (key.Value is { Length: > 0 } text && !names.Contains(text.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                yield return $"{Section}:{property.Name} must be one of {string.Join(", ", names)} (got '{OneLine.Of(text.Length > 64 ? text[..64] + "…" : text)}')";
            }
        }
    }

    /// <summary>The failures of <paramref name="options"/> as one line each, every one naming its key under <paramref name="section"/>.</summary>
    public static IEnumerable<string> Check(string section, object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var ranges = OutOfRange(section, options).ToDictionary(r => r.Member, r => r.Line, StringComparer.Ordinal);
        return results
            .Select(r => r.MemberNames.FirstOrDefault() is { } member && ranges.TryGetValue(member, out var line) ? line : Phrase(section, r))
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>
    /// Each <see cref="RangeAttribute"/> the options break, as a line that names the key, the value and the range in
    /// words: <c>Checkpoint:FeverThresholdC is 45 °C; it must be between 35 °C and 40 °C</c>.
    /// </summary>
    private static IEnumerable<(string Member, string Line)> OutOfRange(string section, object options)
    {
        foreach (var property in options.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetCustomAttributes(typeof(RangeAttribute), inherit: true).FirstOrDefault() is not RangeAttribute range)
            {
                continue;
            }

            var value = property.GetValue(options);
            if (value is null || range.IsValid(value))
            {
                continue;
            }

            var unit = property.Name.EndsWith('C') && value is double or float ? " °C" : property.Name.EndsWith("Ms", StringComparison.Ordinal) ? " ms" : string.Empty;
            var line = $"{section}:{property.Name} is {Words(value)}{unit}; it must be between {Words(range.Minimum, range.OperandType)}{unit} and {Words(range.Maximum, range.OperandType)}{unit}";
            yield return (property.Name, line);
        }
    }

    /// <summary>A value as a person reads it: numbers invariant, durations as <c>0.5 s</c>, <c>2 min</c>, <c>1 h 30 min</c>, <c>1 day</c>.</summary>
    public static string Words(object value, Type? operandType = null)
    {
        if (operandType == typeof(TimeSpan) && value is string text && TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
        }

        return value switch
        {
            TimeSpan t => Duration(t),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };

        static string Duration(TimeSpan t)
        {
            if (t < TimeSpan.Zero)
            {
                return "-" + Duration(-t);
            }

            if (t < TimeSpan.FromMinutes(1))
            {
                return $"{t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s";
            }

            var parts = new List<string>();
            if (t.Days > 0)
            {
                parts.Add(t.Days == 1 ? "1 day" : $"{t.Days} days");
            }

            if (t.Hours > 0)
            {
                parts.Add($"{t.Hours} h");
            }

            if (t.Minutes > 0)
            {
                parts.Add($"{t.Minutes} min");
            }

            var seconds = t.Seconds + (t.Milliseconds / 1000.0);
            if (seconds > 0)
            {
                parts.Add($"{seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s");
            }

            return string.Join(" ", parts);
        }
    }

    /// <summary>
    /// One failure as a line that names its key: the attributes' default wording (<c>The field Volume must be ...</c>,
    /// <c>The Device field is required.</c>) becomes <c>Voice:Volume must be ...</c>; a rule's own message that already
    /// names its key is kept.
    /// </summary>
    private static string Phrase(string section, ValidationResult result)
    {
        var message = (result.ErrorMessage ?? "is not valid").Trim();
        if (message.StartsWith(section + ":", StringComparison.Ordinal))
        {
            return message.TrimEnd('.');
        }

        if (result.MemberNames.FirstOrDefault() is not { Length: > 0 } member)
        {
            return $"{section}: {message.TrimEnd('.')}";
        }

        var key = $"{section}:{member.Replace('.', ':')}";
        var field = $"The field {member} ";
        if (message.StartsWith(field, StringComparison.Ordinal))
        {
            return $"{key} {message[field.Length..].TrimEnd('.')}";
        }

        if (message == $"The {member} field is required.")
        {
            return $"{key} is required";
        }

        return message.StartsWith(member + " ", StringComparison.Ordinal)
            ? $"{section}:{message.TrimEnd('.')}"
            : $"{key}: {message.TrimEnd('.')}";
    }
}
