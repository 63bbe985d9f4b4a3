import type { DefaultNow, Timestamp } from '../../db/column-types.js';

/**
 * MQTT messages still to publish (decision 0050): written by the event-outbox relay in the
 * transaction that takes each integration event from `event_outbox`, deleted once the broker
 * acknowledged the publish (QoS 1 PUBACK). So an event emitted while the broker is away, or before
 * the process died, waits here. `claimed_until`: a publisher holds the row until then.
 */
export interface MqttOutboxTable {
  /** The event's id (the event outbox row's): `msg_<id without dashes>` is the message's `id`. */
  event_id: string;
  org_id: string;
  topic: string;
  /** The message body, JSON text as published. */
  payload: string;
  created_at: DefaultNow;
  claimed_until: Timestamp | null;
}

export interface MqttTables {
  mqtt_outbox: MqttOutboxTable;
}
