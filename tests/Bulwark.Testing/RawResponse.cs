namespace Bulwark.Testing;

/// <summary>One HTTP/1.1 response as it came off the socket: status, headers in wire order, body.</summary>
public sealed record RawResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    /// <summary>Every value of the header <paramref name="name"/> (case-insensitive).</summary>
    public IReadOnlyList<string> Values(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();

    public string? Header(string name) => Values(name) is [var first, ..] ? first : null;

    public bool Has(string name) => Values(name).Count > 0;
}
