namespace Kiosk.Core.Configuration;

/// <summary>One options type bound to a section (<see cref="SectionOptions.AddSection{T}"/>), for the section's known keys.</summary>
/// <param name="Section">The section's name.</param>
/// <param name="OptionsType">The options type.</param>
public sealed record SectionBinding(string Section, Type OptionsType);
