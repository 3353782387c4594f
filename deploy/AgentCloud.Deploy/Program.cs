using AgentCloud.Deploy;

return await Cli.RunAsync(args, Console.Out, Console.Error);
