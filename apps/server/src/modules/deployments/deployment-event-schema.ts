import { z } from 'zod';
import { iso } from '../../http/responses.js';
import { deploymentStateSchema, healthSchema, reasonSchema } from './deployments-repository.js';

/** One state change of a deployment as the API shows it. */
export const deploymentEventSchema = z
  .object({ state: deploymentStateSchema, reason: reasonSchema.nullable(), health: healthSchema.nullable(), source: z.string().describe('http, mail or server: how the change was reported'), at: z.string() })
  .meta({ id: 'DeploymentEvent' });

export const toDeploymentEvent = (event: any): z.infer<typeof deploymentEventSchema> => ({ state: event.state, reason: event.reason ?? null, health: event.health ?? null, source: event.source, at: iso(event.at) });
