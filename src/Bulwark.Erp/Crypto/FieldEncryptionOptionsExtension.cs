using Bulwark.Erp.Data;
using Bulwark.Security.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Erp.Crypto;

/// <summary>
/// Carries the host's <see cref="FieldCipher"/> to the DbContext (its model binds the converters to it).
/// It does not change EF's internal service provider; <see cref="FieldEncryptionModelCacheKeyFactory"/> keys
/// the cached model by cipher, so two hosts in one process (tests) never share converters or keys.
/// </summary>
internal sealed class FieldEncryptionOptionsExtension(FieldCipher cipher) : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public FieldCipher Cipher { get; } = cipher;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "FieldEncryption ";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["Bulwark:FieldEncryption"] = "1";
    }
}

/// <summary>The model cache key includes the field cipher (see <see cref="FieldEncryptionOptionsExtension"/>).</summary>
internal sealed class FieldEncryptionModelCacheKeyFactory : Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) => context is BulwarkDbContext db
        ? (context.GetType(), db.FieldCipher, designTime)
        : (context.GetType(), designTime);
}

public static class FieldEncryptionDbContextOptionsExtensions
{
    /// <summary>DATA-1: encrypted columns, blind indexes and key stamps for this context (needs <c>AddBulwarkCrypto</c>).</summary>
    public static DbContextOptionsBuilder UseBulwarkFieldEncryption(this DbContextOptionsBuilder options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        var cipher = services.GetService<FieldCipher>()
            ?? throw new InvalidOperationException("DATA-1: call AddBulwarkCrypto() before UseBulwarkFieldEncryption().");
        return options.UseBulwarkFieldEncryption(cipher);
    }

    /// <summary>DATA-1 with an explicit cipher (e.g. a restore context built outside DI).</summary>
    public static DbContextOptionsBuilder UseBulwarkFieldEncryption(this DbContextOptionsBuilder options, FieldCipher cipher)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cipher);
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new FieldEncryptionOptionsExtension(cipher));
        options.ReplaceService<Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory, FieldEncryptionModelCacheKeyFactory>();
        return options.AddInterceptors(new FieldEncryptionInterceptor(cipher));
    }
}
