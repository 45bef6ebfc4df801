/** The live panel: limits and faults controls, rate strips, answer metrics, call and bot logs. */

import { drawRateChart, formatRate } from './rate-chart.js';
import { escapeHtml } from './render-entities.js';

const clock = (ms) => {
  const d = new Date(ms);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0').slice(0, 1)}`;
};
const seconds = (ms) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);

export function renderLimits(container, state) {
  for (const button of container.querySelectorAll('button')) {
    button.classList.toggle('active', button.dataset.preset === state.limits.preset);
  }
}

export function renderFaults(container, status, state, now) {
  for (const button of container.querySelectorAll('button[data-provider]')) {
    button.disabled = !state.faults.providerFaults;
  }
  const parts = [];
  if (state.faults.stormUntil !== undefined && state.faults.stormUntil > now) {
    parts.push(`⛈ 429 storm: ${Math.ceil((state.faults.stormUntil - now) / 1000)} s left`);
  }
  if (state.faults.pendingProvider.length > 0) {
    parts.push(`model will fail: ${state.faults.pendingProvider.join(', ')}`);
  }
  if (parts.length === 0 && state.faults.last !== undefined && now - state.faults.last.at < 15_000) {
    parts.push(state.faults.last.description);
  }
  status.textContent = parts.join(' · ');
}

/** One strip per chat plus one for the whole bot; canvases are created once and redrawn. */
export function renderCharts(container, state, now) {
  const limits = state.limits.values;
  const strips = [
    ...[...state.chats.values()].map((chat) => ({
      key: String(chat.id),
      title: chat.kind === 'private' ? 'Private chat' : chat.title,
      calls: state.calls.filter((call) => call.chatId === chat.id),
      limit: chat.kind === 'private' ? limits.privateChat : limits.groupChat,
      globalScope: false,
    })),
    { key: 'global', title: 'Whole bot', calls: state.calls, limit: limits.global, globalScope: true },
  ];
  for (const strip of strips) {
    let element = container.querySelector(`[data-strip="${strip.key}"]`);
    if (element === null) {
      element = document.createElement('div');
      element.className = 'chart';
      element.dataset.strip = strip.key;
      element.innerHTML =
        '<div class="chart-title"><span class="label"></span><span class="hold"></span></div><canvas></canvas>';
      container.appendChild(element);
    }
    const holdUntil = Math.max(
      0,
      ...strip.calls
        .filter((c) => c.status === 429 && c.retryAfter !== undefined)
        .map((c) => c.at + c.retryAfter * 1000),
    );
    const recent = strip.calls.filter((c) => c.at > now - 60_000);
    const tooMany = recent.filter((c) => c.status === 429).length;
    element.querySelector('.label').textContent =
      `${strip.title}: ${recent.length} calls${tooMany > 0 ? `, ${tooMany}× 429` : ''} · limit ${strip.limit === null ? 'none' : formatRate(strip.limit.perSecond)}`;
    element.querySelector('.hold').textContent =
      holdUntil > now ? `held ${Math.ceil((holdUntil - now) / 1000)} s` : '';
    drawRateChart(element.querySelector('canvas'), {
      calls: strip.calls,
      now,
      limit: strip.limit,
      globalScope: strip.globalScope,
    });
  }
}

export function renderAnswers(tbody, state, currentChatId) {
  const answers = [...state.answers.values()].sort((a, b) => b.id - a.id).slice(0, 12);
  tbody.innerHTML = answers
    .map((answer) => {
      const chat = state.chats.get(answer.chatId);
      const where = chat?.kind === 'group' ? '<span class="tag">group</span>' : '';
      return `<tr class="${answer.chatId === currentChatId ? 'current' : ''}" data-answer="${answer.id}">
        <td>${answer.id}</td>
        <td class="q" title="${escapeHtml(answer.question)}">${where}${escapeHtml(answer.question)}</td>
        <td>${seconds(answer.firstTextMs)}</td>
        <td>${answer.updates}</td>
        <td>${answer.parts}</td>
        <td>${answer.tooManyRequests}</td>
        <td><span class="state ${answer.state}">${answer.state}</span></td>
      </tr>${toolRow(answer)}`;
    })
    .join('');
}

/** The answer's tool calls, on a row of their own under it (older pages' answers have none). */
function toolRow(answer) {
  const tools = answer.tools ?? [];
  if (tools.length === 0) return '';
  return `<tr class="tools" data-answer-tools="${answer.id}"><td></td><td colspan="6">🔧 ${tools
    .map(escapeHtml)
    .join(' · ')}</td></tr>`;
}

export function renderCallLog(list, state) {
  const calls = state.calls.slice(-150).reverse();
  list.innerHTML = calls
    .map((call) => {
      const outcome = call.ok
        ? `<span class="ok">${call.status}</span>`
        : `<span class="bad">${call.status}${call.retryAfter === undefined ? '' : ` retry ${call.retryAfter}s`}${call.dropped ? ' dropped' : ''}</span>`;
      const chat = state.chats.get(call.chatId);
      const where = chat === undefined ? '' : chat.kind === 'private' ? ' private' : ' group';
      const size = call.textLength === undefined ? '' : ` ${call.textLength} ch`;
      return `<li title="${escapeHtml(call.description ?? '')}"><span class="t">${clock(call.at)}</span><span class="m">${escapeHtml(call.method)}</span> ${outcome}<span class="t">${where}${size}</span></li>`;
    })
    .join('');
}

export function renderBotLog(list, state) {
  list.innerHTML = state.logs
    .slice(-80)
    .reverse()
    .map(
      (line) =>
        `<li class="${escapeHtml(line.level)}" title="${escapeHtml(line.msg)}"><span class="t">${clock(line.at)}</span>${escapeHtml(line.msg)}</li>`,
    )
    .join('');
}
