using Kiosk.Service.Cli;

// The one Ctrl-C handler (KioskCli turns System.CommandLine's own off): the first asks the command to stop through its
// token (the watch restores the terminal, the host stops cleanly); a second ends the process at once. The source is
// never disposed, so a late Ctrl-C cannot meet a disposed one.
var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};

return await KioskCli.RunAsync(args, Console.Out, Console.Error, cancel.Token);
