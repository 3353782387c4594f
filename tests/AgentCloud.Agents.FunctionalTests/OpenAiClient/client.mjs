// Talks to the agents service's OpenAI-compatible API with the official client, the way an application would, and
// prints what it got as one JSON object. BASE_URL (…/v1), API_KEY (an AgentCloud token), AGENT (a model = an agent's
// name), STREAMER (another agent's id, streamed).
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.BASE_URL, apiKey: process.env.API_KEY, maxRetries: 0 });
const out = {};

out.models = [];
for await (const model of client.models.list()) {
  out.models.push({ id: model.id, object: model.object, name: model.name });
}

const completion = await client.chat.completions.create({
  model: process.env.AGENT,
  messages: [{ role: 'user', content: 'What time is it in Europe/Paris?' }],
});
out.completion = {
  object: completion.object,
  content: completion.choices[0].message.content,
  role: completion.choices[0].message.role,
  finish_reason: completion.choices[0].finish_reason,
  usage: completion.usage,
  conversation_id: completion.conversation_id,
  using_stub: completion.using_stub,
};

// Streamed, continuing the same conversation (conversation_id is passed through as an extra body field).
async function stream(model, content, conversationId) {
  const chunks = await client.chat.completions.create({
    model, messages: [{ role: 'user', content }], stream: true, stream_options: { include_usage: true },
    ...(conversationId ? { conversation_id: conversationId } : {}),
  });
  const result = { chunks: 0, content: '', finish_reason: null, usage: null, conversation_id: null };
  for await (const chunk of chunks) {
    result.chunks++;
    result.conversation_id = chunk.conversation_id;
    if (chunk.choices.length > 0) {
      result.content += chunk.choices[0].delta?.content ?? '';
      result.finish_reason = chunk.choices[0].finish_reason ?? result.finish_reason;
    }
    if (chunk.usage) {
      result.usage = chunk.usage;
    }
  }
  return result;
}
out.stream = await stream(process.env.AGENT, 'Tell me a story', completion.conversation_id);
out.streamer = await stream(process.env.STREAMER, 'Say hello');

try {
  await client.chat.completions.create({ model: 'no-such-agent', messages: [{ role: 'user', content: 'Hi' }] });
  out.error = null;
} catch (e) {
  out.error = { status: e.status, code: e.code, type: e.type, param: e.param, message: e.message };
}

console.log(JSON.stringify(out));
