using System.Text;
using Bulwark.Erp.Authorization;
using Bulwark.Erp.Users;

namespace Bulwark.Api.Tests.Authorization;

/// <summary>
/// AZ-2: docs/permissions.md shows the role→permission matrix and each endpoint's permission; both tables
/// must equal what the code enforces. On a mismatch the failure message carries the table to paste
/// (or run with BULWARK_WRITE_DOCS=1 to rewrite the file).
/// </summary>
[Trait("Control", "AZ-2")]
public sealed class PermissionsDocTests(SqliteApiFactory api) : IClassFixture<SqliteApiFactory>
{
    private const string RolesBegin = "<!-- roles:begin (generated, PermissionsDocTests) -->";
    private const string RolesEnd = "<!-- roles:end -->";
    private const string EndpointsBegin = "<!-- endpoints:begin (generated, PermissionsDocTests) -->";
    private const string EndpointsEnd = "<!-- endpoints:end -->";

    [Fact]
    public void RoleTable_InTheDocs_EqualsTheCode() => AssertSection(RolesBegin, RolesEnd, RoleTable());

    [Fact]
    public void EndpointTable_InTheDocs_EqualsTheApp() => AssertSection(EndpointsBegin, EndpointsEnd, EndpointTable());

    [Fact]
    public void EveryRole_IsInTheMap_AndGrantsOnlyCataloguedPermissions()
    {
        Assert.Equal(Roles.All.Order(StringComparer.Ordinal), RolePermissions.Map.Keys.Order(StringComparer.Ordinal));
        Assert.All(RolePermissions.Map.Values.SelectMany(p => p), p => Assert.Contains(p, Permissions.All));
        Assert.DoesNotContain(Permissions.TenantsManage, (IReadOnlySet<string>)RolePermissions.Map[Roles.Admin]);
    }

    internal static string RoleTable()
    {
        var text = new StringBuilder();
        text.Append("| Permission | ").AppendJoin(" | ", Roles.All).Append(" |\n");
        text.Append("|---|").AppendJoin("", Roles.All.Select(_ => ":-:|")).Append('\n');
        foreach (var permission in Permissions.All)
        {
            text.Append("| `").Append(permission).Append("` | ")
                .AppendJoin(" | ", Roles.All.Select(r => RolePermissions.Map[r].Contains(permission) ? "✓" : " "))
                .Append(" |\n");
        }

        return text.ToString();
    }

    private string EndpointTable()
    {
        var text = new StringBuilder("| Endpoint | Needs one of | API key (AUTH-9) |\n|---|---|:-:|\n");
        foreach (var endpoint in AppEndpoints.Of(api))
        {
            var needs = endpoint.Anonymous ? "anonymous"
                : endpoint.Permissions is { } p ? string.Join(", ", p.Select(x => $"`{x}`"))
                : endpoint.AuthenticatedOnly ? "any authenticated user"
                : "authenticated (framework endpoint)";
            text.Append("| `").Append(endpoint.Key).Append("` | ").Append(needs).Append(" | ")
                .Append(endpoint.AcceptsApiKeys ? "✓" : " ").Append(" |\n");
        }

        return text.ToString();
    }

    private static void AssertSection(string begin, string end, string expected)
    {
        var path = Path.Combine(RepositoryPaths.Root(), "docs", "permissions.md");
        var doc = File.ReadAllText(path).ReplaceLineEndings("\n");
        var start = doc.IndexOf(begin, StringComparison.Ordinal);
        var stop = doc.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, $"markers {begin} … {end} missing in {path}");
        var actual = doc[(start + begin.Length)..stop].Trim('\n') + "\n";
        if (actual != expected && Environment.GetEnvironmentVariable("BULWARK_WRITE_DOCS") == "1")
        {
            File.WriteAllText(path, doc[..(start + begin.Length)] + "\n" + expected + doc[stop..]);
            return;
        }

        Assert.True(actual == expected, $"docs/permissions.md is out of date; the section should read:\n{expected}");
    }
}
