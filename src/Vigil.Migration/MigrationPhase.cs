namespace Vigil.Migration;

/// <summary>Where a migration is; what an abort may do depends on it.</summary>
public enum MigrationPhase { Preflight, Replicating, Cutover, Finishing, Done, Aborted, Failed }
