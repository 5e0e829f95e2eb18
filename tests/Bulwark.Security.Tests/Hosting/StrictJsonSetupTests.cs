using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bulwark.Security.Hosting;
using Bulwark.Security.Validation;

namespace Bulwark.Security.Tests.Hosting;

/// <summary>
/// VAL-1: the nesting cap. The ERP request bodies are flat, so over HTTP a deep value is always
/// refused first for its type; here the cap itself is proven on a recursive shape.
/// </summary>
[Trait("Control", "VAL-1")]
public sealed class StrictJsonSetupTests
{
    private static readonly JsonSerializerOptions Options = Strict();

    [Fact]
    public void Deserialize_AtTheDepthLimit_Succeeds()
    {
        var node = JsonSerializer.Deserialize<Node>(Nested(StrictJsonSetup.MaxDepth), Options);
        Assert.NotNull(node);
    }

    [Fact]
    public void Deserialize_BeyondTheDepthLimit_IsAMaxDepthFieldError()
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Node>(Nested(StrictJsonSetup.MaxDepth + 1), Options));
        var field = StrictJsonErrors.ToFieldError(error);
        Assert.True(field.Constraints.ContainsKey("maxDepth"), string.Join(",", field.Constraints.Keys));
        Assert.StartsWith("child", field.Field, StringComparison.Ordinal);
    }

    private static string Nested(int depth)
    {
        // depth 1 = {"name":"x"}; each level wraps the previous one in {"child": …}.
        var json = """{"name":"x"}""";
        for (var i = 1; i < depth; i++)
        {
            json = $$"""{"child":{{json}}}""";
        }

        return json;
    }

    private static JsonSerializerOptions Strict()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        StrictJsonSetup.Apply(options);
        options.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
        return options;
    }

    public sealed class Node
    {
        public string? Name { get; set; }

        public Node? Child { get; set; }
    }
}
