using Bulwark.Security.Audit;
using Serilog.Events;
using Serilog.Parsing;

namespace Bulwark.Security.Tests.Audit;

[Trait("Control", "LOG-4")]
public sealed class LogRedactionEnricherTests
{
    private static LogEvent Event(params LogEventProperty[] properties) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse("x"), properties);

    private static string Rendered(LogEvent logEvent, string name) => logEvent.Properties[name].ToString();

    [Theory]
    [InlineData("Password")]
    [InlineData("refreshToken")]
    [InlineData("ApiKey")]
    [InlineData("NationalId")]
    [InlineData("Iban")]
    [InlineData("Authorization")]
    public void SensitivePropertyName_IsRedactedWhateverItsValue(string name)
    {
        var logEvent = Event(new LogEventProperty(name, new ScalarValue("harmless-looking")));
        new LogRedactionEnricher().Enrich(logEvent, null!);
        Assert.Equal("\"[REDACTED]\"", Rendered(logEvent, name));
    }

    [Fact]
    public void APropertyNameSeenBefore_GetsTheSameAnswer_EveryTime()
    {
        // Issue 7: the answer for an event's own property names is kept; the kept answer must be the checked one.
        var enricher = new LogRedactionEnricher();
        for (var i = 0; i < 3; i++)
        {
            var logEvent = Event(new LogEventProperty("ClientSecretHint", new ScalarValue("plain")),
                new LogEventProperty("RequestPath", new ScalarValue("/api/v1/items")));
            enricher.Enrich(logEvent, null!);
            Assert.Equal("\"[REDACTED]\"", Rendered(logEvent, "ClientSecretHint"));
            Assert.Equal("\"/api/v1/items\"", Rendered(logEvent, "RequestPath"));
        }
    }

    [Theory]
    [InlineData("ua eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl tail", "eyJhbGci")]
    [InlineData("Authorization: Bearer abc.DEF-123_456~xyz", "abc.DEF")]
    [InlineData("pay to DE89370400440532013000 now", "DE8937")]
    [InlineData("pay to GB82 WEST 1234 5698 7654 32", "WEST 1234")]
    [InlineData("refresh Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo here", "Zm9vYmFy")]
    // Issue 7: the fast pre-checks (ASCII text) must let every shape through, whatever its case or surroundings.
    [InlineData("authorization: basic dXNlcjpwYXNzd29yZA==", "dXNlcjpw")]
    [InlineData("AUTHORIZATION: BEARER abc.DEF-123_456~xyz", "abc.DEF")]
    [InlineData("/api/v1/keys/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo", "Zm9vYmFy")]
    [InlineData("x-DE89370400440532013000-y", "DE8937")]
    [InlineData("café naïve eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl", "eyJhbGci")]
    [InlineData("déjà vu Bearer abc.DEF-123_456~xyz", "abc.DEF")]
    public void SecretShapedValue_InAnyProperty_IsRedacted(string text, string secretPart)
    {
        var logEvent = Event(new LogEventProperty("UserAgent", new ScalarValue(text)),
            new LogEventProperty("Nested", new StructureValue([new LogEventProperty("Note", new ScalarValue(text))])),
            new LogEventProperty("List", new SequenceValue([new ScalarValue(text)])));
        new LogRedactionEnricher().Enrich(logEvent, null!);
        foreach (var name in new[] { "UserAgent", "Nested", "List" })
        {
            Assert.DoesNotContain(secretPart, Rendered(logEvent, name), StringComparison.Ordinal);
            Assert.Contains("[REDACTED]", Rendered(logEvent, name), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36")]
    [InlineData("/api/v1/items/0193a7c2-1f00-7000-8000-000000000001")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("input.validation.failed")]
    public void OrdinaryValues_AreLeftAlone(string text)
    {
        var value = new ScalarValue(text);
        var logEvent = Event(new LogEventProperty("RequestPath", value), new LogEventProperty("Outcome", new ScalarValue(42)));
        new LogRedactionEnricher().Enrich(logEvent, null!);
        Assert.Same(value, logEvent.Properties["RequestPath"]);
    }
}
