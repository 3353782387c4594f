using AgentCloud.Credentials.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Credentials.Infrastructure.EntityConfigurations;

sealed class CredentialEntityTypeConfiguration : IEntityTypeConfiguration<Credential>
{
    public void Configure(EntityTypeBuilder<Credential> builder)
    {
        builder.ToTable("credentials");
        builder.Property(c => c.Meta).HasColumnType("jsonb");
    }
}
