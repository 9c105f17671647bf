namespace Krakow.BuildingBlocks.Security;

/// <summary>The roles an API key can carry, and the authorization policies built on them.</summary>
public static class PlatformRoles
{
    public const string Moderator = "moderator";
    public const string Administrator = "administrator";

    /// <summary>Policy: moderators and administrators (moderation decisions).</summary>
    public const string ModeratorPolicy = "Moderator";

    /// <summary>Policy: administrators only (plugins, seasons, registries).</summary>
    public const string AdministratorPolicy = "Administrator";

    /// <summary>Policy: any caller with a valid key, whatever its role (for example a partner municipality).</summary>
    public const string PartnerPolicy = "Partner";
}
