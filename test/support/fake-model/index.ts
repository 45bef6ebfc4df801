export { createFakeAnthropicServer } from './anthropic-server.js';
export type {
  FakeModelServer,
  FakeModelServerOptions,
  FakeProtocol,
  RecordedMessage,
  RecordedRequest,
  ScenarioHandler,
  StreamOutcome,
} from './fake-server.js';
export { createFakeOpenAIServer } from './openai-server.js';
export { parseSse, type SseEvent } from './read-sse.js';
export { type RecordedImage, recordedImages } from './recorded-images.js';
export type {
  FakeHttpError,
  FakeScenario,
  FakeStreamError,
  FakeToolCall,
  FakeUsage,
  StreamPoint,
} from './scenario.js';
export {
  type FakeTranscriptionServer,
  type RecordedTranscription,
  startFakeTranscriptionServer,
} from './transcription-server.js';
