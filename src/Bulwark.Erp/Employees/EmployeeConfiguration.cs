using Bulwark.Erp.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bulwark.Erp.Employees;

/// <summary>DATA-1: the purpose strings bound into each encrypted employee value (and its blind index).</summary>
internal static class EmployeePurposes
{
    public const string NationalId = "employee.nationalId";
    public const string Iban = "employee.iban";
    public const string Salary = "employee.salary";
}

internal sealed class EmployeeConfiguration : IEntityTypeConfiguration<Employee>
{
    public void Configure(EntityTypeBuilder<Employee> builder)
    {
        builder.ToTable("employees");
        builder.Property(e => e.Number).HasMaxLength(32).IsRequired();
        builder.Property(e => e.FirstName).HasMaxLength(100).IsRequired();
        builder.Property(e => e.LastName).HasMaxLength(100).IsRequired();
        builder.Property(e => e.WorkEmail).HasMaxLength(254).IsRequired();
        builder.Property(e => e.Department).HasMaxLength(100).IsRequired();
        builder.Property(e => e.Title).HasMaxLength(100).IsRequired();
        builder.Property(e => e.Status).HasMaxLength(16).IsRequired();
        // DATA-1: sensitive fields are AES-256-GCM envelopes at rest (key id inside each value); national id
        // also has a keyed blind index for exact-match lookup; DataKeyId records the row's key for rotation.
        builder.Property(e => e.NationalId).IsEncrypted(EmployeePurposes.NationalId);
        builder.Property(e => e.Iban).IsEncrypted(EmployeePurposes.Iban);
        builder.Property(e => e.SalaryCents).IsEncrypted(EmployeePurposes.Salary);
        builder.HasBlindIndex(nameof(Employee.NationalId), EmployeePurposes.NationalId);
        builder.HasDataKeyId();
        builder.HasIndex(e => new { e.TenantId, e.Number }).IsUnique();
        builder.HasIndex(e => new { e.TenantId, e.LastName });
        builder.HasOne<Employee>().WithMany().HasForeignKey(e => e.ManagerId).OnDelete(DeleteBehavior.Restrict);
    }
}
