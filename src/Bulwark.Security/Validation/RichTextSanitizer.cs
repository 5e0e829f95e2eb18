using Ganss.Xss;

namespace Bulwark.Security.Validation;

/// <summary>
/// VAL-4: rich-text fields are cleaned with HtmlSanitizer against a small allow-list of formatting
/// tags; scripts, event handlers, styles, iframes and non-http(s)/mailto links are removed.
/// Configured once; <c>Sanitize</c> is thread-safe on an unchanging configuration.
/// </summary>
public sealed class RichTextSanitizer
{
    private readonly HtmlSanitizer _sanitizer;

    public RichTextSanitizer()
    {
        _sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "h1", "h2", "h3", "h4",
                "blockquote", "code", "pre", "a", "span", "table", "thead", "tbody", "tr", "th", "td",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "title" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "https", "http", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        });
    }

    public string? Sanitize(string? html) => html is null ? null : _sanitizer.Sanitize(html).Trim();
}
