using Lyceum.Platform.Cli;

namespace Lyceum.UnitTests.Platform;

public sealed class CliCommandTests
{
    [Fact]
    public void Without_a_command_every_argument_goes_to_the_host()
    {
        var (command, hostArgs) = CliCommand.Parse(["--urls", "http://127.0.0.1:5099"]);

        Assert.Null(command);
        Assert.Equal(["--urls", "http://127.0.0.1:5099"], hostArgs);
    }

    [Fact]
    public void Seed_takes_its_own_options_and_leaves_the_rest_to_the_host()
    {
        var (command, hostArgs) = CliCommand.Parse(["seed", "--schools", "3", "--students", "15000", "--Database:Provider=PostgreSql"]);

        Assert.Equal("seed", command!.Name);
        Assert.Equal("3", command.Options["schools"]);
        Assert.Equal("15000", command.Options["students"]);
        Assert.Equal(["--Database:Provider=PostgreSql"], hostArgs);
    }

    [Theory]
    [InlineData("MIGRATE", "migrate")]
    [InlineData("help", "help")]
    [InlineData("--help", "help")]
    public void Commands_are_recognised_ignoring_case(string argument, string name) =>
        Assert.Equal(name, CliCommand.Parse([argument]).Command!.Name);

    [Theory]
    [InlineData("migrat")]
    [InlineData("run")]
    [InlineData("seeds")]
    public void A_mistyped_command_is_not_taken_for_no_command(string argument)
    {
        var (command, _) = CliCommand.Parse([argument, "--urls", "http://127.0.0.1:5099"]);

        Assert.NotNull(command);
        Assert.DoesNotContain(command.Name, CliCommand.Known);
        Assert.Equal(argument, command.Options["command"]);
    }

    [Fact]
    public void Migrate_does_not_swallow_seed_options() =>
        Assert.Equal(["--students", "5"], CliCommand.Parse(["migrate", "--students", "5"]).HostArgs);
}
