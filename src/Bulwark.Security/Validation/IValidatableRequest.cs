namespace Bulwark.Security.Validation;

/// <summary>
/// VAL-2: a request body that declares the constraints of each of its properties.
/// ValidationEndpointFilter runs <see cref="Validate"/> before the handler.
/// </summary>
public interface IValidatableRequest
{
    void Validate(ValidationErrors errors);
}
