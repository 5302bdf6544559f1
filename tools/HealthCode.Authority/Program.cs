using System.CommandLine;

var root = new RootCommand("hc-authority: keys, health codes, trust lists and color-feed messages for tests, demos and load tests");
root.Subcommands.Add(HealthCode.Authority.FeedCommands.Create());
return await root.Parse(args).InvokeAsync();
