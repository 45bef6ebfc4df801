import Database from 'better-sqlite3';
import type { ApiUser } from '../../src/emulator/index.js';
import { randomInt } from '../../src/emulator/random.js';
import type { AskedQuestion, StoredAnswer } from './judge.js';
import { storedKey } from './judge.js';
import { pick, planAnswer } from './plan.js';
import { MODELS, type SoakWorld } from './soak-world.js';

export interface SoakChat {
  id: number;
  kind: 'private' | 'group';
  members: ApiUser[];
  model: string;
  /** Question ids whose answers are awaited in this chat. */
  waiting: Set<number>;
  asking: Set<number>;
}

export interface DriveOptions {
  privateChats: number;
  groups: number;
  membersPerGroup: number;
  /** Questions awaiting their answers at any time, across chats. */
  concurrency: number;
  /** A question not answered by then frees its chat (and is judged at the end like any other). */
  questionTimeoutMs: number;
}

const POLL_MS = 150;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks the questions and follows the stored answers; the verdicts come later, from what users saw. */
export function createDriver(world: SoakWorld, random: () => number, options: DriveOptions) {
  const { telegram } = world;
  const chats: SoakChat[] = [];
  const questions: AskedQuestion[] = [];
  const waiting = new Map<number, { question: AskedQuestion; chat: SoakChat; user: number }>();
  let db: Database.Database | undefined;
  let nextId = 1;

  const readStored = (): Map<string, StoredAnswer> => {
    db ??= new Database(world.databasePath, { readonly: true, fileMustExist: true });
    const rows = db
      .prepare(
        `SELECT a.chat_id AS chatId, json_extract(u.telegram_message_ids, '$[0]') AS asked, a.status,
                a.content, a.telegram_message_ids AS parts
           FROM messages a JOIN messages u ON u.id = a.parent_id
          WHERE a.role = 'assistant'`,
      )
      .all() as { chatId: number; asked: number; status: string; content: string; parts: string }[];
    return new Map(
      rows.map((row) => [
        storedKey(row.chatId, row.asked),
        { status: row.status, content: row.content, telegramMessageIds: JSON.parse(row.parts) as number[] },
      ]),
    );
  };

  /** Half the chats talk to the Anthropic model: chosen with /model before any fault is switched on. */
  async function setUp(): Promise<void> {
    for (let i = 0; i < options.privateChats; i++) {
      const user = telegram.createUser({ firstName: `Soak${i}`, username: `soak_user_${i}` });
      chats.push({
        id: user.id,
        kind: 'private',
        members: [user],
        model: MODELS.openai,
        waiting: new Set(),
        asking: new Set(),
      });
    }
    for (let g = 0; g < options.groups; g++) {
      const group = telegram.createGroup({ title: `Soak group ${g}` });
      const members = Array.from({ length: options.membersPerGroup }, (_, m) =>
        telegram.createUser({ firstName: `G${g}M${m}`, username: `soak_g${g}_m${m}` }),
      );
      chats.push({
        id: group.id,
        kind: 'group',
        members,
        model: MODELS.openai,
        waiting: new Set(),
        asking: new Set(),
      });
    }
    const switching = chats.filter((_, index) => index % 2 === 1);
    for (const chat of switching) {
      telegram.userSends({ chat: chat.id, from: chat.members[0]!, text: `/model ${MODELS.anthropic}` });
    }
    const switched = (chat: SoakChat) =>
      telegram.visibleMessages(chat.id).some((m) => m.from === 'bot' && m.text?.includes(MODELS.anthropic));
    try {
      await telegram.waitFor(() => switching.every(switched), { timeoutMs: 20_000 });
    } catch {
      process.stdout.write('soak: WARNING /model did not answer in every chat; those chats stay on OpenAI\n');
    }
    for (const chat of switching.filter(switched)) chat.model = MODELS.anthropic;
  }

  function ask(chat: SoakChat, warmUp: boolean): void {
    const user = pick(
      random,
      chat.members.filter((member) => !chat.asking.has(member.id)),
    );
    const plan = planAnswer(random, nextId++);
    world.plans.set(plan.id, plan);
    const topic = Array.from({ length: randomInt(random, 2, 5) }, () =>
      pick(random, ['rivers', 'bridges', 'lanterns', 'orchards', 'winter', 'copper']),
    ).join(' and ');
    const mention = chat.kind === 'group' ? `@${telegram.bot.username} ` : '';
    const message = telegram.userSends({
      chat: chat.id,
      from: user,
      text: `${mention}Question ${plan.id}: tell me about ${topic}.`,
    });
    const question: AskedQuestion = {
      plan,
      chatId: chat.id,
      chatKind: chat.kind,
      userId: user.id,
      model: chat.model,
      messageId: message.message_id,
      sentAt: Date.now(),
      warmUp,
    };
    questions.push(question);
    chat.waiting.add(plan.id);
    chat.asking.add(user.id);
    waiting.set(plan.id, { question, chat, user: user.id });
  }

  /** A private user waits for the answer; in a group a second member may ask meanwhile (queued). */
  function idleChat(): SoakChat | undefined {
    const idle = chats.filter((chat) =>
      chat.kind === 'private'
        ? chat.waiting.size === 0
        : chat.waiting.size < 2 && chat.asking.size < chat.members.length,
    );
    return idle.length === 0 ? undefined : pick(random, idle);
  }

  function collectFinished(): void {
    const stored = readStored();
    const now = Date.now();
    for (const [id, entry] of waiting) {
      const answer = stored.get(storedKey(entry.question.chatId, entry.question.messageId));
      const finished = answer !== undefined && answer.status !== 'streaming';
      if (!finished && now - entry.question.sentAt < options.questionTimeoutMs) continue;
      waiting.delete(id);
      entry.chat.waiting.delete(id);
      entry.chat.asking.delete(entry.user);
    }
  }

  return {
    setUp,
    questions,
    get waiting() {
      return waiting.size;
    },
    readStored,
    /** Asks `count` questions, `concurrency` at a time, and waits for their answers (or the deadline). */
    async run(count: number, warmUp: boolean, deadline: number): Promise<void> {
      let asked = 0;
      while ((asked < count || waiting.size > 0) && Date.now() < deadline) {
        collectFinished();
        while (asked < count && waiting.size < options.concurrency) {
          const chat = idleChat();
          if (!chat) break;
          ask(chat, warmUp);
          asked += 1;
        }
        await sleep(POLL_MS);
      }
    },
    close: () => db?.close(),
  };
}
