using AgentCloud.Credentials.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Credentials.Infrastructure.EntityConfigurations;

sealed class MasterKeyRotationEntityTypeConfiguration : IEntityTypeConfiguration<MasterKeyRotation>
{
    public void Configure(EntityTypeBuilder<MasterKeyRotation> builder)
    {
        builder.ToTable("master_key_rotations");
    }
}
