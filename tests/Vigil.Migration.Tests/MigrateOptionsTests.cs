using Vigil.Migration;
using Vigil.Migration.Links;
using Vigil.Migration.Verification;

namespace Vigil.Migration.Tests;

public sealed class MigrateOptionsTests
{
    [Fact]
    public void TargetsKeepTheirOrderAndTheFirstIsTheNewMaster()
    {
        var options = MigrateOptions.Parse(["--source", "db1:6379", "--target", "10.0.0.1:7000", "--target", "[::1]:7001", "--old-nodes", "shutdown"], out var error);
        Assert.Null(error);
        Assert.Equal(new RedisEndpoint("db1", 6379), options!.Source);
        Assert.Equal([new RedisEndpoint("10.0.0.1", 7000), new RedisEndpoint("::1", 7001)], options.Targets);
        Assert.Equal(OldNodes.Shutdown, options.OldNodes);
        Assert.Equal("[::1]:7001", options.Targets[1].ToString());
    }

    [Theory]
    [InlineData("--target 1.2.3.4:1", "--source HOST:PORT is required")]
    [InlineData("--source a:1", "at least one --target HOST:PORT is required")]
    [InlineData("--source a:1 --target b", "--target needs HOST:PORT, not 'b'")]
    [InlineData("--source a:1 --target b:70000", "--target needs HOST:PORT, not 'b:70000'")]
    [InlineData("--source a:1 --target b:2 --master-name m", "--master-name needs --sentinel HOST:PORT")]
    [InlineData("--source a:1 --target b:2 --old-nodes delete", "--old-nodes is replica or shutdown, not 'delete'")]
    [InlineData("--source a:1 --target b:2 --user u", "--user needs --pass or --pass-file")]
    [InlineData("--source a:1 --target b:2 --pass p --pass-file f", "give --pass or --pass-file, not both")]
    [InlineData("--source a:1 --target b:2 --tls", "--tls is not supported by migrate yet")]
    [InlineData("--source a:1 --target b:2 --frobnicate", "unknown option '--frobnicate' (vigil migrate --help)")]
    public void BadArgumentsAreRefusedWithOneLine(string args, string expected)
    {
        Assert.Null(MigrateOptions.Parse(args.Split(' '), out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void ModeIsChosenByPreflightUnlessGiven()
    {
        Assert.Null(MigrateOptions.Parse(["--source", "a:1", "--target", "b:2"], out _)!.Mode);
        Assert.Equal(MigrationMode.Stream, MigrateOptions.Parse(["--source", "a:1", "--target", "b:2", "--mode", "stream"], out _)!.Mode);
        Assert.Equal(MigrationMode.ReplicaOf, MigrateOptions.Parse(["--source", "a:1", "--target", "b:2", "--mode", "replicaof"], out _)!.Mode);
        Assert.Null(MigrateOptions.Parse(["--source", "a:1", "--target", "b:2", "--mode", "copy"], out var error));
        Assert.Equal("--mode is replicaof or stream, not 'copy'", error);
    }

    [Fact]
    public void SnapshotConnectionsDefaultToFourAndAreBounded()
    {
        Assert.Equal(4, MigrateOptions.Parse(["--source", "a:1", "--target", "b:2"], out _)!.SnapshotConnections);
        Assert.Equal(1, MigrateOptions.Parse(["--source", "a:1", "--target", "b:2", "--snapshot-connections", "1"], out _)!.SnapshotConnections);
        Assert.Equal(16, MigrateOptions.Parse(["--source", "a:1", "--target", "b:2", "--snapshot-connections", "16"], out _)!.SnapshotConnections);
        foreach (var bad in new[] { "0", "17", "-1", "four" })
        {
            Assert.Null(MigrateOptions.Parse(["--source", "a:1", "--target", "b:2", "--snapshot-connections", bad], out var error));
            Assert.Equal($"--snapshot-connections needs a number from 1 to 16, not '{bad}'", error);
        }
    }

    [Fact]
    public void PasswordFileGivesItsFirstLine()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "secret\nignored\n");
            var options = MigrateOptions.Parse(["--source", "a:1", "--target", "b:2", "--user", "mover", "--pass-file", file], out _);
            Assert.Equal(new RedisCredentials("mover", "secret"), options!.Credentials);
            Assert.Equal(["AUTH", "mover", "secret"], options.Credentials!.AuthCommand);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void VerifyTakesSampleAndTolerance()
    {
        var options = VerifyOptions.Parse(["--source", "a:1", "--target", "b:2", "--sample", "100", "--ttl-tolerance", "500"], out var error);
        Assert.Null(error);
        Assert.Equal(100, options!.Sample);
        Assert.Equal(500, options.TtlToleranceMs);
        Assert.Null(VerifyOptions.Parse(["--source", "a:1", "--sample", "0"], out error));
        Assert.Equal("--sample needs a positive number of keys, not '0'", error);
    }
}
