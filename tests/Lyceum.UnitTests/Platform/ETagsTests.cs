using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http;

namespace Lyceum.UnitTests.Platform;

public sealed class ETagsTests
{
    private static readonly Guid Version = Guid.Parse("0b9f1c0e-5d2a-4c57-9d7e-3b6a1f2e4c8d");

    [Fact]
    public void The_etag_is_the_quoted_version()
    {
        Assert.Equal("\"0b9f1c0e5d2a4c579d7e3b6a1f2e4c8d\"", ETags.For(Version));
    }

    [Fact]
    public void If_match_with_the_etag_gives_back_the_version() =>
        Assert.Equal(Version, ETags.ReadIfMatch(Request(ifMatch: ETags.For(Version))).Value);

    [Theory]
    [InlineData(null)]
    [InlineData("*")]
    public void No_if_match_or_a_wildcard_is_a_precondition_required(string? ifMatch) =>
        Assert.IsType<Error.PreconditionRequired>(ETags.ReadIfMatch(Request(ifMatch: ifMatch)).Error);

    [Theory]
    [InlineData("W/\"0b9f1c0e5d2a4c579d7e3b6a1f2e4c8d\"")]
    [InlineData("0b9f1c0e5d2a4c579d7e3b6a1f2e4c8d")]
    [InlineData("\"not-a-version\"")]
    [InlineData("\"0b9f1c0e5d2a4c579d7e3b6a1f2e4c8d\", \"00000000000000000000000000000000\"")]
    public void Weak_unquoted_unreadable_or_several_etags_are_a_400_naming_the_header(string ifMatch)
    {
        var error = Assert.IsType<Error.Validation>(ETags.ReadIfMatch(Request(ifMatch: ifMatch)).Error);
        Assert.Equal(["If-Match"], error.Errors.Keys);
    }

    [Fact]
    public void If_none_match_with_the_current_etag_means_the_copy_is_fresh()
    {
        Assert.True(ETags.IsFresh(Request(ifNoneMatch: ETags.For(Version)), Version));
        Assert.False(ETags.IsFresh(Request(ifNoneMatch: ETags.For(Guid.NewGuid())), Version));
        Assert.False(ETags.IsFresh(Request(), Version));
    }

    private static HttpRequest Request(string? ifMatch = null, string? ifNoneMatch = null)
    {
        var context = new DefaultHttpContext();
        if (ifMatch is not null)
        {
            context.Request.Headers.IfMatch = ifMatch;
        }

        if (ifNoneMatch is not null)
        {
            context.Request.Headers.IfNoneMatch = ifNoneMatch;
        }

        return context.Request;
    }
}
