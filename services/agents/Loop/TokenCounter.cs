using Microsoft.ML.Tokenizers;

namespace AgentCloud.Agents.Loop;

/// <summary>
/// Counts tokens with a real tokenizer (o200k_base, the GPT-4o family's; Microsoft.ML.Tokenizers) where the provider
/// did not report usage: for stored messages, the rendered system prompt and tool schemas. Other model families
/// count differently, so the budget keeps a margin (the model's max output tokens).
/// </summary>
public sealed class TokenCounter
{
    /// <summary>Per-message framing (role, separators) as OpenAI counts it.</summary>
    public const int MessageOverhead = 4;

    readonly Lazy<Tokenizer> _tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : _tokenizer.Value.CountTokens(text);
}
