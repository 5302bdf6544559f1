using Kiosk.Mqtt;

namespace Kiosk.FleetConsole;

/// <summary>
/// <c>kiosk fleet decommission</c>: a retired kiosk leaves nothing retained behind: its <c>status</c> (so
/// <c>fleet status</c> no longer lists it), <c>config/desired</c> and <c>config/reported</c>, and its Home Assistant
/// discovery configs (so Home Assistant removes the device and its entities). Each is cleared with an empty retained
/// message, as MQTT and Home Assistant define.
/// </summary>
public static class FleetDecommission
{
    /// <summary>The retained topics of a kiosk.</summary>
    public static IReadOnlyList<string> Topics(string prefix, string discoveryPrefix, string site, string kioskId)
    {
        var topics = new FleetTopics(prefix, site, kioskId);
        return [topics.Status, topics.ConfigDesired, topics.ConfigReported, .. HomeAssistantDiscovery.ConfigTopics(discoveryPrefix, site, kioskId)];
    }

    /// <summary>Clears every retained topic of <paramref name="target"/>; returns how many.</summary>
    public static async Task<int> ClearAsync(FleetConsoleSession session, KioskStatusRow target, string discoveryPrefix, CancellationToken cancellationToken)
    {
        var fleetSession = await session.WaitForSessionAsync(cancellationToken);
        var topics = Topics(session.Settings.Prefix, discoveryPrefix, target.Site, target.KioskId);
        foreach (var topic in topics)
        {
            await session.PublishAsync(fleetSession, session.CreateMessage(fleetSession, topic, [], retain: true), cancellationToken);
        }

        return topics.Count;
    }
}
