import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Db } from '../../db/schema.js';
import type { OutboxConsumer } from '../events/events-repository.js';
import { serialPasses } from '../mail-intake/serial-passes.js';
import { OUTBOX_SWEEP_MS } from '../webhooks/webhook-outbox-relay.js';
import { claimMqttMessages, deleteMqttMessages, recordMqttMessages, releaseMqttMessages } from './mqtt-outbox.js';

/** The most messages one round takes from mqtt_outbox (the next round takes more). */
const PUBLISH_BATCH = 100;
/**
 * How long a round holds the messages it took: longer than a publish takes with the broker there.
 * A process that died holding some lets them go after this (another process, or the restarted one,
 * publishes them).
 */
const CLAIM_MS = 60_000;

export interface MqttPublisher {
  /** The event relay's hook: writes each relayed integration event's message in the relay's transaction, publishes after its commit. */
  readonly outbox: OutboxConsumer;
  /** Publishes what waits in mqtt_outbox now (the broker connected); resolves with how many the broker acknowledged. */
  publishPending(): Promise<number>;
  /** Resolves once the round running now (and any asked for meanwhile) is done. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes the integration events (the webhook event types, `{id, type, timestamp, data}`: ids,
 * names, versions, states and a link; no secrets, no mail or review text) to MQTT_URL with QoS 1
 * and no retain flag, at `<MQTT_TOPIC_PREFIX>/<org slug>/<collection>/<id>/<action>`
 * (docs/integrations.md, decision 0050). Messages come from the durable outbox: written with the
 * event's relay, deleted when the broker acknowledged them (PUBACK). So an event survives a broker
 * outage and a restart; delivery is at least once, `id` tells repeats apart. The client reconnects
 * every 5 s; each (re)connection, each relay and a sweep every OUTBOX_SWEEP_MS publish what waits.
 */
export function createMqttPublisher(options: { url: string; topicPrefix: string; db: Db; publicUrl: string; logger: Logger }): MqttPublisher {
  const { db } = options;
  const logger = options.logger.child({ component: 'mqtt' });
  let closed = false;
  /** Messages handed to the client and not yet acknowledged: never handed over twice by this process. */
  const inFlight = new Set<string>();

  // The MQTT library loads here, not with the server: only a server with MQTT_URL set pays for it, after start-up.
  const connected: Promise<MqttClient> = import('mqtt').then(({ default: mqtt }) => {
    const client = mqtt.connect(options.url, { reconnectPeriod: 5000, connectTimeout: 10_000, clientId: `marketplace-${process.pid}-${Math.random().toString(16).slice(2, 10)}` });
    let warned = false;
    client.on('error', (error) => {
      if (!warned) logger.warn({ err: { message: error.message, code: (error as { code?: unknown }).code } }, 'MQTT broker unavailable; events wait in the outbox and are sent when it is back');
      warned = true;
    });
    client.on('connect', () => {
      if (warned) logger.info('MQTT broker connected again');
      warned = false;
      wakeLogged();
    });
    return client;
  });

  /** One round: takes waiting messages, publishes them (QoS 1), deletes those the broker acknowledged. */
  async function publishRound(client: MqttClient): Promise<{ acknowledged: number; more: boolean }> {
    const messages = await claimMqttMessages(db, PUBLISH_BATCH, CLAIM_MS, inFlight);
    if (messages.length === 0) return { acknowledged: 0, more: false };
    for (const message of messages) inFlight.add(message.eventId);
    const outcomes = await Promise.allSettled(messages.map((message) => client.publishAsync(message.topic, message.payload, { qos: 1, retain: false })));
    const acknowledged = messages.filter((_message, index) => outcomes[index]!.status === 'fulfilled').map((message) => message.eventId);
    const failed = messages.filter((_message, index) => outcomes[index]!.status === 'rejected').map((message) => message.eventId);
    try {
      await deleteMqttMessages(db, acknowledged);
      // Not acknowledged (the client was closed, the broker refused): free for the next round or process.
      await releaseMqttMessages(db, failed);
    } finally {
      for (const message of messages) inFlight.delete(message.eventId);
    }
    if (failed.length) logger.warn({ failed: failed.length, reason: (outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason?.message }, 'MQTT messages not acknowledged; they stay in the outbox');
    // A full batch, all acknowledged: more may wait.
    return { acknowledged: acknowledged.length, more: messages.length === PUBLISH_BATCH && failed.length === 0 };
  }

  /** Rounds until nothing waits (or the broker is away); passes never overlap, a call during one asks for one more. */
  const publishPending = serialPasses(
    async () => {
      const client = await connected;
      let total = 0;
      for (let more = true; more && !closed && client.connected; ) {
        const round = await publishRound(client);
        total += round.acknowledged;
        more = round.more;
      }
      return total;
    },
    (error) => {
      logger.warn({ err: error }, 'publishing the MQTT outbox failed; the sweep tries again');
      return 0;
    },
    () => closed,
  );
  let current: Promise<number> | null = null;
  const wakeLogged = () => void (current = publishPending());
  const sweep = setInterval(wakeLogged, OUTBOX_SWEEP_MS);
  sweep.unref();

  return {
    outbox: {
      record: (trx, events) => recordMqttMessages(trx, events, options),
      committed: wakeLogged,
    },
    publishPending: () => (current = publishPending()),
    async idle() {
      await current;
    },
    async close() {
      closed = true;
      clearInterval(sweep);
      const client = await connected;
      // A graceful end waits for unacknowledged messages; with the broker away that would be forever.
      const ended = await Promise.race([client.endAsync(false).then(() => true, () => true), new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref())]);
      if (!ended) await client.endAsync(true).catch(() => undefined);
      await current;
    },
  };
}
