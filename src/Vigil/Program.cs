using Vigil;

return await VigilCommandLine.RunAsync(args).ConfigureAwait(false);
