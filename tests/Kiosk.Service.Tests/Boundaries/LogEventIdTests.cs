using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Kiosk.Service.Tests.Boundaries;

/// <summary>
/// A log line is found by its event id (journal filters, alert rules): every <c>[LoggerMessage]</c> of the kiosk's
/// assemblies names one, and no two name the same. They are numbered by area: 1xx events and alerts, 2xx checkpoint,
/// 3xx simulation, 4xx hosting, 7xx fleet link and MQTT, 3xxx color feed, 4xxx devices (40xx thermometer, 41xx screen,
/// 42xx outputs, 43xx card reader, 44xx voice, 45xx camera).
/// </summary>
public sealed class LogEventIdTests
{
    private static readonly string[] KioskAssemblies =
    [
        "HealthCode.Formats", "Kiosk.Core", "Kiosk.Colors", "Kiosk.Devices", "Kiosk.Drivers", "Kiosk.Display", "Kiosk.Mqtt",
        "Kiosk.Fleet", "Kiosk.FleetConsole", "Kiosk.Simulation", "kiosk",
    ];

    [Fact]
    public void EveryLoggerMessageOfTheKioskHasItsOwnNonZeroEventId()
    {
        var messages = KioskAssemblies
            .Select(name => Assembly.Load(new AssemblyName(name)))
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (m.Attribute!.EventId, Name: $"{m.Method.DeclaringType!.Assembly.GetName().Name}: {m.Method.DeclaringType.FullName}.{m.Method.Name}"))
            .ToList();

        // The reflection finds them (the attribute stays in the metadata): not a test that passes on nothing.
        Assert.True(messages.Count > 80, $"only {messages.Count} logger messages found");

        var problems = messages.Where(m => m.EventId <= 0).Select(m => $"no event id: {m.Name}")
            .Concat(messages.GroupBy(m => m.EventId).Where(g => g.Key > 0 && g.Count() > 1)
                .Select(g => $"event id {g.Key} used {g.Count()} times: {string.Join(", ", g.Select(m => m.Name))}"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
