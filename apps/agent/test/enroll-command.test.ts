import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/commands/enroll-command.js';

describe('the start line printed after enrolment', () => {
  it('names the home and the embedded hub’s Maildir so the agent reads the mailbox its releases go to', () => {
    expect(runCommand(undefined, undefined)).toBe('npx marketplace-agent run');
    expect(runCommand('./agent-home', '/srv/market/data/mail/agent-1a2b@agents.marketplace.local')).toBe('npx marketplace-agent run --home ./agent-home --maildir /srv/market/data/mail/agent-1a2b@agents.marketplace.local');
    // a path with a space stays one argument when pasted into a shell
    expect(runCommand('/home/ana/my agent', undefined)).toBe("npx marketplace-agent run --home '/home/ana/my agent'");
  });
});
