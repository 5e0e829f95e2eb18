using Bulwark.Security.Validation;

namespace Bulwark.Security.Tests.Authentication;

[Trait("Control", "AUTH-1")]
public sealed class CommonPasswordListTests
{
    [Theory]
    [InlineData("1qaz2wsx3edc")]
    [InlineData("qwerty123456")]
    [InlineData("Qwerty123456")] // case-insensitive
    [InlineData("LEAVEMEALONE")]
    public void CommonLongPasswords_AreRejected(string password)
    {
        var errors = new ValidationErrors();
        errors.NewPassword("password", password);

        Assert.True(errors.ToList().Single().Constraints.ContainsKey("commonPassword"));
    }

    [Fact]
    public void TheBundledList_HasItsDocumentedSize_AndSpareUncommonPasswords()
    {
        Assert.Equal(49_233, Bulwark.Security.Authentication.CommonPasswordList.Count);
        Assert.False(Bulwark.Security.Authentication.CommonPasswordList.Contains("plum-ocelot-vintage-47"));
        Assert.True(Bulwark.Security.Authentication.CommonPasswordList.Contains("password"));
    }
}
