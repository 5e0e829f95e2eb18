using Bulwark.Security.Validation;

namespace Bulwark.Erp.Inventory;

public static class ItemContracts
{
    public const int SkuMaxLength = 64;
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 10_000;
    public const decimal MaxUnitCost = 1_000_000_000m;

    public static readonly IReadOnlyList<string> Units = ["pcs", "kg", "g", "l", "ml", "m", "m2", "box", "pack", "hour"];
}

/// <summary>VAL-2/VAL-3: what a client may set on an item; id, tenant, version and timestamps are server-owned.</summary>
public sealed record CreateItemRequest : IValidatableRequest
{
    public string? Sku { get; init; }

    public string? Name { get; init; }

    /// <summary>Rich text (HTML); sanitized with an allow-list before it is stored.</summary>
    public string? Description { get; init; }

    public string? Unit { get; init; }

    public decimal? UnitCost { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.Code("sku", Sku, ItemContracts.SkuMaxLength);
        errors.PlainText("name", Name, ItemContracts.NameMaxLength);
        errors.RichText("description", Description, ItemContracts.DescriptionMaxLength);
        errors.OneOf("unit", Unit, ItemContracts.Units);
        errors.Money("unitCost", UnitCost, 0m, ItemContracts.MaxUnitCost);
    }
}

/// <summary>Full replacement of an item's editable fields; <c>version</c> must match the stored one (DATA-6).</summary>
public sealed record UpdateItemRequest : IValidatableRequest
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? Unit { get; init; }

    public decimal? UnitCost { get; init; }

    public bool? IsActive { get; init; }

    public int? Version { get; init; }

    public void Validate(ValidationErrors errors)
    {
        errors.PlainText("name", Name, ItemContracts.NameMaxLength);
        errors.RichText("description", Description, ItemContracts.DescriptionMaxLength);
        errors.OneOf("unit", Unit, ItemContracts.Units);
        errors.Money("unitCost", UnitCost, 0m, ItemContracts.MaxUnitCost);
        errors.Required("isActive", IsActive);
        errors.Range("version", Version, 1, int.MaxValue);
    }
}

public sealed record ItemResponse(
    Guid Id,
    string Sku,
    string Name,
    string? Description,
    string Unit,
    decimal UnitCost,
    bool IsActive,
    int Version,
    DateTime CreatedAt,
    DateTime UpdatedAt);
