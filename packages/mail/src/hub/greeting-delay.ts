import type { Socket } from 'node:net';
import type { SMTPServer } from 'smtp-server';
import { MailError } from '../mail-error.js';

/** smtp-server's own pause before the 220 greeting (early-talker detection), fixed in its SMTPConnection.init. */
export const SMTP_SERVER_GREETING_DELAY_MS = 100;

interface Connection {
  _server: { options: { maxClients?: number }; connections: Set<unknown> };
  name: string;
  _setListeners(callback: () => void): void;
  send(code: number, message: string, context?: false): void;
  connectionReady(): void;
  init(): void;
  on(event: string, listener: (value: never) => void): void;
}
type ConnectionClass = new (server: SMTPServer, socket: Socket, options: unknown) => Connection;
type ServerInternals = { connections: Set<Connection>; _onError(error: Error): void; _onClientConnect(data: unknown): void; connect(socket: Socket, options: unknown): void };

/**
 * Makes the pause before the greeting `delayMs` instead of smtp-server's fixed 100 ms. A client that
 * speaks before the greeting is still answered "421 You talk too soon" (smtp-server's check on every
 * command before the session is ready). Replaces SMTPServer.connect with the same steps and an init
 * that waits `delayMs`; refuses to start when this smtp-server version lacks the methods it relies on.
 */
export async function setGreetingDelay(server: SMTPServer, delayMs: number): Promise<void> {
  if (!Number.isSafeInteger(delayMs) || delayMs < 0 || delayMs > 60_000) {
    throw new MailError('INVALID_OPTIONS', `startMailHub: greetingDelayMs must be a whole number of milliseconds from 0 to 60000: got ${String(delayMs)}.`);
  }
  if (delayMs === SMTP_SERVER_GREETING_DELAY_MS) return;
  // smtp-server exports its connection class (package.json "exports": "./lib/*.js"); loaded with the hub, not before.
  const { SMTPConnection } = await import('smtp-server/lib/smtp-connection.js');
  const Connection = SMTPConnection as unknown as ConnectionClass | undefined;
  const proto = Connection?.prototype as Partial<Connection> | undefined;
  const internals = server as unknown as Partial<ServerInternals>;
  if (!Connection || typeof proto?._setListeners !== 'function' || typeof proto.connectionReady !== 'function' || typeof internals._onClientConnect !== 'function' || typeof internals._onError !== 'function') {
    throw new MailError('INVALID_OPTIONS', `This smtp-server version has no SMTPConnection._setListeners/connectionReady: the greeting delay cannot be changed. Set the greeting delay to ${SMTP_SERVER_GREETING_DELAY_MS} ms (the library's own), or pin smtp-server 3.21.`);
  }
  const self = server as unknown as ServerInternals;
  self.connect = (socket, options) => {
    const connection = new Connection(server, socket, options);
    self.connections.add(connection);
    connection.on('error', (error: Error) => self._onError(error));
    connection.on('connect', (data: unknown) => self._onClientConnect(data));
    connection._setListeners(() => {
      const { maxClients } = connection._server.options;
      if (maxClients && connection._server.connections.size > maxClients) return connection.send(421, `${connection.name} Too many connected clients, try again in a moment`, false);
      if (delayMs === 0) return connection.connectionReady();
      setTimeout(() => connection.connectionReady(), delayMs).unref();
    });
  };
}
