namespace Vigil.Migration.Links;

/// <summary>What <c>AUTH</c> sends: a password, with an ACL user name or without (the <c>default</c> user).</summary>
public sealed record RedisCredentials(string? User, string Password)
{
    public string[] AuthCommand => User is null ? ["AUTH", Password] : ["AUTH", User, Password];
}
