import type { MailHubOptions } from '@marketplace/mail/hub';
import type { Config } from '../../config/config.js';
import type { HubDirectory } from './hub-directory.js';

/** The embedded hub's session settings from the configuration (MAIL_HUB_*): who it takes mail for, and its limits. */
export function hubSessionOptions(config: Config, directory: HubDirectory): Pick<MailHubOptions, 'accept' | 'limits' | 'greetingDelayMs' | 'maxMessageBytes'> {
  return {
    accept: (recipient) => directory.serves(recipient),
    maxMessageBytes: config.mailHub.maxMessageBytes,
    greetingDelayMs: config.mailHub.greetingDelayMs,
    limits: {
      connectionsPerMinutePerClient: config.mailHub.connectionsPerMinutePerClient,
      messagesPerMinutePerClient: config.mailHub.messagesPerMinutePerClient,
      messagesPerMinutePerSender: config.mailHub.messagesPerMinutePerSender,
      mailboxQuotaBytes: config.mailHub.mailboxQuotaBytes,
    },
  };
}
