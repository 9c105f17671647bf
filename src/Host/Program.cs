using Krakow.Host;

// Start-up problems (bad configuration, unreachable database) end the process with one line naming the cause.
try
{
    var app = PlatformApplication.Create(args);
    await app.StartPlatformAsync();
    await app.WaitForShutdownAsync();
    return 0;
}
catch (Exception ex) when (StartupFailure.Describe(ex) is { } reason)
{
    Console.Error.WriteLine(reason);
    return 1;
}
