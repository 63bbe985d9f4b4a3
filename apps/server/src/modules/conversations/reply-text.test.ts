import { describe, expect, it } from 'vitest';
import { deliveredReply } from './reply-text.js';

describe('the chat’s message when a build is published', () => {
  it('says what the Deliver step did: not sent without a workstation, on its way with one', () => {
    expect(deliveredReply('en', 'Leave requests', '1.0.0', 0)).toContain('not sent: you have no workstation enrolled');
    expect(deliveredReply('en', 'Leave requests', '1.0.0', 0)).not.toContain('on its way');
    expect(deliveredReply('en', 'Leave requests', '1.0.0', 1)).toContain('on its way to your workstation.');
    expect(deliveredReply('en', 'Leave requests', '1.0.0', 2)).toContain('your workstations (2)');
    expect(deliveredReply('pl', 'Wnioski urlopowe', '1.0.0', 0)).toContain('nie wysłano');
  });
});
