using Bulwark.Security.Validation;

namespace Bulwark.Security.Tests.Validation;

[Trait("Control", "VAL-4")]
public sealed class TextRulesTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("a\u0000b")]
    [InlineData("bell\u0007")]
    [InlineData("evil\u202Egnp.exe")]
    [InlineData("line\nbreak")]
    public void PlainText_WithMarkupOrControlCharacters_IsRejected(string value) =>
        Assert.True(TextRules.HasForbiddenPlainTextCharacters(value));

    [Theory]
    [InlineData("Hex bolt M8")]
    [InlineData("Zoë Ångström – 東京")]
    [InlineData("O'Brien & Sons")]
    public void PlainText_Ordinary_IsAccepted(string value) =>
        Assert.False(TextRules.HasForbiddenPlainTextCharacters(value));

    [Fact]
    public void Multiline_AllowsLineBreaksButNotOtherControls()
    {
        Assert.False(TextRules.HasForbiddenPlainTextCharacters("a\r\nb\tc", allowLineBreaks: true));
        Assert.True(TextRules.HasForbiddenPlainTextCharacters("a\u001bb", allowLineBreaks: true));
    }

    [Fact]
    public void Normalize_ComposesToNfc() =>
        Assert.Equal("\u00e9", TextRules.Normalize("e\u0301"));
}
