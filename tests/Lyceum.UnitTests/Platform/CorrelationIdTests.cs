using Lyceum.Platform.Observability;

namespace Lyceum.UnitTests.Platform;

public sealed class CorrelationIdTests
{
    [Theory]
    [InlineData("abc-123", true)]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true)]
    [InlineData("office.pc:42_a", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("line\nbreak", false)]
    [InlineData("quote\"", false)]
    [InlineData("ελληνικά", false)]
    public void Only_short_plain_ids_are_kept(string value, bool sane) =>
        Assert.Equal(sane, CorrelationId.IsSane(value));

    [Fact]
    public void Ids_longer_than_64_characters_are_replaced() =>
        Assert.False(CorrelationId.IsSane(new string('a', 65)));
}
