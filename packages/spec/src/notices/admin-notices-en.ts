/**
 * The admin pages' notices in English: why the inbound mail pipeline read a message as it did, one
 * sentence per reason a stage records (apps/server mail-processing, decision 0058), and why an MCP
 * server's test failed, in i18next's format, with the words they put in (`thread`, `mailKind`, each of
 * `cues`). Rule names, rspamd symbols, header lines, app names and what a remote server said are put
 * in as they are: they are names and data, not sentences. One module per language keeps each
 * catalog chunk of the web to its own language.
 */
export const ADMIN_NOTICES_EN = {
  notices: {
    mailStage: {
      // sender: the trust rules' verdict
      senderNotRead: 'not read further',
      automatic: '{{mailKind}}: {{header}}',
      senderAuthFailed: 'DKIM/DMARC failed: {{detail}}',
      senderUnknown: 'no active account has this From address',
      senderLimited: 'more than {{limit, number}} mails from this sender in the last hour',
      senderForeignToken: 'refused by the trust rules: the reply address was issued to someone else',
      senderConfirmationOtherSender: 'refused by the trust rules: the confirmation was sent to another address',
      senderConfirmationExpired: 'refused by the trust rules: the confirmation has expired',
      senderRefused: 'refused by the trust rules: {{refusal}}',
      senderUnproven: 'no reply address the server issued; a first mail waits for confirmation',
      senderUnprovenNoDkim: 'no DKIM check (MAIL_VERIFY_AUTH=false) and no reply address the server issued; waits for confirmation',
      senderInboxOwner: 'a reply to the address of an inbox notice sent to this owner',
      senderReporterReply: 'a reply to the address issued to the reporter of an inbox thread',
      senderReporterChange: 'a change asked by reply to the address issued to the reporter of an inbox thread',
      senderConfirmedReply: 'a reply to the confirmation address of a confirmed sender',
      senderConfirmed: 'the sender confirmed a waiting mail by replying to its confirmation address',
      senderConversationReply: 'a reply to the +token address of the sender’s own conversation',
      senderDkim: 'DMARC-aligned DKIM pass (MAIL_VERIFY_AUTH)',
      // spam
      spamBuiltinOnly: 'built-in rules (RSPAMD_URL not set)',
      spamRspamdFailed: 'rspamd failed ({{detail}}); built-in rules',
      spamGtube: 'GTUBE test string',
      spamRules: 'score {{score, number}}, spam from {{threshold, number}}: {{rules}}',
      spamNoRule: 'no spam rule matched',
      spamRspamd: 'rspamd: action {{action}}, score {{score, number}}, spam from {{threshold, number}}',
      spamRspamdSymbols: 'symbols {{symbols}}',
      // language
      languageDetected: 'word evidence and detector, margin {{margin, number}}',
      languageDefault: 'no evidence; the default',
      // class
      classFollowUp: 'asks about the state of an earlier request ({{cues}})',
      classBugNamedApp: 'describes a fault ({{cues}}) in a named app',
      classBug: 'describes a fault ({{cues}})',
      classBugNoApp: 'describes a fault ({{cues}}), no app named',
      classNewTool: 'asks for a new tool ({{cues}})',
      classTool: 'asks for a tool ({{cues}})',
      classFeedback: 'about an app ({{cues}})',
      classFeedbackNoApp: 'feedback ({{cues}}), no app named',
      classAnswersOurs: 'answers a message of the marketplace',
      classQuestion: 'asks a question and names no fault or new tool',
      classNoRule: 'no rule matched',
      classModel: 'the model’s reading (the built-in rules said {{mailClass}})',
      // app
      appNoOrganisation: 'no organisation: the sender is not known',
      appByThread: 'reply thread: {{thread}}',
      appNamed: 'named in the message (“{{app}}”)',
      appThreadNoApp: 'answers {{thread}}, which names no app',
      appNone: 'no app named, no thread of ours',
      appOnlyRunning: 'the only app the sender runs ({{app}})',
      appSenderRuns: 'the sender runs {{version}}',
      // summary
      summaryBuiltin: 'first sentences of the new text (quotes, greeting and signature left out)',
      summaryModel: 'the model’s summary',
      // route
      routeRule: 'rule “{{rule}}”',
      routeNoRule: 'no rule matched: the conversation engine answers',
      routeNoApp: 'but no app was found: the conversation engine answers',
      routeUnread: 'the trust rules decided ({{route}}); the message was not read, so no other stage ran',
      routeByTrust: 'the trust rules decided ({{route}}); the rules would say {{ruleRoute}}',
    },
    mcpTest: {
      stdioDisabled: 'The MCP server “{{server}}” is a command run on this server, and stdio MCP servers are off; set MCP_STDIO_SERVERS=allow to run them.',
      timeout: 'The MCP server “{{server}}” did not answer within {{ms, number}} ms (MCP_CALL_TIMEOUT_MS).',
      cannotStart: 'The command “{{command}}” of MCP server “{{server}}” cannot be started ({{error}}); give the full path of an installed program.',
      connectFailed: 'Cannot connect to the MCP server “{{server}}”: {{detail}}.',
      callFailed: 'The MCP server “{{server}}” failed the call: {{detail}}.',
      errorOutput: 'Its error output: {{output}}',
      outputTooLarge: 'The MCP server answered with more than {{bytes, number}} bytes; raise MCP_MAX_OUTPUT_BYTES or ask the tool for less.',
      targetRefused: 'MCP servers on loopback, private or link-local addresses are not called ({{host}}); use a public address, or set MCP_ALLOW_PRIVATE_TARGETS=true to allow servers on your own network.',
      targetNeverCalled: 'MCP servers on link-local or cloud-metadata addresses are never called ({{host}}).',
    },
  },
  words: {
    threads: { inbox: 'a message of its inbox thread', release: 'the release mail it answers', conversation: 'the conversation answer it replies to' },
    automatic: { bounce: 'bounce', 'auto-reply': 'auto-reply', list: 'list' },
    cues: {
      crash: 'crash', error: 'error', 'not-working': 'not working', cannot: 'cannot', 'wrong-result': 'wrong result', bug: 'bug',
      'status-ask': 'status question', 'build-ask': 'asks to build', 'need-a-tool': 'needs a tool', thanks: 'thanks', suggestion: 'suggestion',
    },
  },
};
