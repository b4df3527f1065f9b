// The campaign test spreads its seeds over every core itself; other tests running beside it would only slow it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
