using Bulwark.Security.Validation;

namespace Bulwark.Security.Tests.Validation;

[Trait("Control", "AUTH-1")]
public sealed class NewPasswordRuleTests
{
    private static ValidationErrors Check(string? password)
    {
        var errors = new ValidationErrors();
        errors.NewPassword("password", password);
        return errors;
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("short-pass1", "minLength")]           // 11 characters
    [InlineData("😀😀😀😀😀😀😀😀😀😀😀", "minLength")]        // 11 code points (22 UTF-16 units)
    public void TooShortOrMissing_IsRejected(string? password, string constraint)
    {
        var errors = Check(password);
        var error = Assert.Single(errors.ToList());
        Assert.Equal("password", error.Field);
        Assert.True(error.Constraints.ContainsKey(constraint));
    }

    [Fact]
    public void LongerThan128_IsRejected() =>
        Assert.True(Check(new string('x', 129)).ToList().Single().Constraints.ContainsKey("maxLength"));

    [Theory]
    [InlineData("twelve-chars")]
    [InlineData("correct horse battery staple")]
    [InlineData("Zoë Ångström 東京 ☃ <>&\"'")] // any characters, spaces and symbols included
    public void TwelveTo128Characters_AreAccepted(string password) =>
        Assert.False(Check(password).HasErrors);

    [Fact]
    public void Exactly128_IsAccepted() => Assert.False(Check(new string('x', 128)).HasErrors);
}
