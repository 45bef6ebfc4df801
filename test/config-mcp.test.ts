import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createConfig } from '../src/config.js';

const base = {
  TELEGRAM_BOT_TOKEN: '123456789:AAEhBP0av28bBKo6jOaZ2dFpnGdvCeqpVvq',
  MODELS: 'openai:gpt-5',
  OPENAI_API_KEY: 'sk-openai-secret-1',
  ALLOWED_USERS: '42',
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function mcpFile(content: string): string {
  dir = mkdtempSync(join(tmpdir(), 'streamgram-mcp-config-'));
  const path = join(dir, 'mcp.json');
  writeFileSync(path, content);
  return path;
}

describe('MCP_CONFIG in the configuration', () => {
  it('reads the servers once and counts their env and header values as secrets', () => {
    const path = mcpFile(
      JSON.stringify({
        mcpServers: {
          files: { command: 'npx', args: ['server'], env: { API_TOKEN: 'env-secret-value-1' } },
          search: {
            url: 'https://mcp.example.com/mcp',
            headers: { Authorization: 'Bearer header-token-0042' },
          },
        },
      }),
    );
    const config = createConfig({ ...base, MCP_CONFIG: path });
    expect(config.tools.mcpServers.map((server) => server.name)).toEqual(['files', 'search']);
    expect(config.secrets).toEqual(
      expect.arrayContaining(['env-secret-value-1', 'Bearer header-token-0042', 'header-token-0042']),
    );
    // The scheme alone is no secret: it would blank every "Bearer" in the logs.
    expect(config.secrets).not.toContain('Bearer');
  });

  it('names MCP_CONFIG when the file is broken, without echoing its values', () => {
    const path = mcpFile('{"mcpServers": {"files": {"command": "", "env": {"K": "hidden-value-77"}}}}');
    let problems: string[] = [];
    try {
      createConfig({ ...base, MCP_CONFIG: path });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^MCP_CONFIG .*mcpServers\.files\.command/);
    expect(problems.join()).not.toContain('hidden-value-77');
  });
});
