using Kiosk.Fleet.TestClient;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Hosting;
using Kiosk.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: Kiosk.Fleet.TestClient PORT DATA_DIRECTORY [KIOSK_ID]
// Composes the fleet link with AddKioskCore + AddFleet as the host does, connects to 127.0.0.1:PORT, raises one
// assist_requested alert (an event with the next seq), prints "ready" and runs until killed or stdin closes.
if (args.Length < 2 || !int.TryParse(args[0], out var port))
{
    Console.Error.WriteLine("error: usage: Kiosk.Fleet.TestClient PORT DATA_DIRECTORY [KIOSK_ID]");
    return 2;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Kiosk:Site"] = "site-a",
    ["Kiosk:KioskId"] = args.Length > 2 ? args[2] : "kiosk-child",
    ["Kiosk:DataDirectory"] = args[1],
    ["Fleet:Host"] = "127.0.0.1",
    ["Fleet:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["Fleet:KeepAlive"] = "00:00:30",
});
builder.Logging.ClearProviders();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddKioskCore(builder.Configuration);
builder.Services.AddFleet(builder.Configuration);
builder.Services.AddSingleton<IColorStore>(new FixedColorStore(new ColorDataState("CN-HL", null, null, null, 0, false)));
builder.Services.AddSingleton<IIndicators, CountingIndicators>();
using var host = builder.Build();
KioskServices.ValidateOptions(host.Services);
await host.StartAsync();
await host.Services.GetRequiredService<FleetService>().FirstSession;
host.Services.GetRequiredService<IAlerts>().Notify(AlertKinds.AssistRequested, "test client started");
Console.WriteLine("ready");
await Console.In.ReadToEndAsync();
await host.StopAsync();
return 0;
