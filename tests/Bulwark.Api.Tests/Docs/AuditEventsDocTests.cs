using System.Reflection;
using System.Text.RegularExpressions;
using Bulwark.Erp.Audit;
using Bulwark.Security.Audit;

namespace Bulwark.Api.Tests.Docs;

/// <summary>LOG-2: docs/audit-events.md documents exactly the event types the code can emit — no more, no fewer.</summary>
[Trait("Control", "LOG-2")]
public sealed partial class AuditEventsDocTests
{
    [Fact]
    public void AuditEventTaxonomy_InTheDocs_EqualsTheCode()
    {
        var inCode = typeof(SecurityEventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Append(AuditRetention.PurgedType)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(inCode.Count >= 30, string.Join(", ", inCode));

        var doc = File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "docs", "audit-events.md"));
        var section = doc[doc.IndexOf("<!-- taxonomy:begin -->", StringComparison.Ordinal)..doc.IndexOf("<!-- taxonomy:end -->", StringComparison.Ordinal)];
        var inDocs = TypeCell().Matches(section).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(inCode, inDocs);
    }

    [GeneratedRegex(@"^\| `([a-z_.]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TypeCell();
}
