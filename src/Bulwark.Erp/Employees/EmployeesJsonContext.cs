using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Security.Validation;

namespace Bulwark.Erp.Employees;

/// <summary>Source-generated JSON for the employee contracts (no reflection on the hot path).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateEmployeeRequest))]
[JsonSerializable(typeof(UpdateEmployeeRequest))]
[JsonSerializable(typeof(UpdateEmployeeProfileRequest))]
[JsonSerializable(typeof(EmployeeResponse))]
[JsonSerializable(typeof(PagedResult<EmployeeResponse>))]
internal sealed partial class EmployeesJsonContext : JsonSerializerContext;
