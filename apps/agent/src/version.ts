/** The agent's version, sent in heartbeats. */
export const AGENT_VERSION = '0.1.0';
