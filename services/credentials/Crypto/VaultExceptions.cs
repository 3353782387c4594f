namespace AgentCloud.Credentials.Crypto;

/// <summary>
/// A ciphertext or wrapped key did not authenticate: it was moved, altered, or the master key is wrong. The vault fails
/// closed. Messages name ids and versions only, never key material or plaintext.
/// </summary>
public sealed class CredentialIntegrityException(string message) : Exception(message);

/// <summary>A master key version is not in the secret store, or is not a base64 32-byte key.</summary>
public sealed class MasterKeyUnavailableException(string message) : Exception(message);
