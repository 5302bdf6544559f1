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
public sealed class SectionValidator<T>(string section, IConfiguration? configuration = null, IReadOnlyDictionary<string, string>? removedKeys = null) : IValidateOptions<T>
    where T : class
{
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
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => Phrase(section, r)).Distinct(StringComparer.Ordinal);
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
