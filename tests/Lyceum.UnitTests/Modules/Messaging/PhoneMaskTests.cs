using Lyceum.Modules.Messaging.Sms;

namespace Lyceum.UnitTests.Modules.Messaging;

/// <summary>A phone number in a log line keeps only its last three digits.</summary>
public sealed class PhoneMaskTests
{
    [Theory]
    [InlineData("+30 694 000 0123", "•••••••123")]
    [InlineData("07700900456", "•••••••456")]
    [InlineData("12", "•••••••")]
    [InlineData("", "•••••••")]
    [InlineData(null, "•••••••")]
    public void Only_the_last_three_digits_are_shown(string? number, string shown) => Assert.Equal(shown, PhoneMask.Mask(number));
}
